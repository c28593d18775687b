/** The part of a Socket.IO server that moves sockets between rooms on every node through the adapter. */
export interface RoomMover {
  in(room: string): { socketsJoin(rooms: string | string[]): void; socketsLeave(rooms: string | string[]): void };
}

/** Moves all of a user's sockets, on every node, into or out of a room. */
export interface UserRooms {
  join(userId: string, room: string): void;
  leave(userId: string, room: string): void;
}

/** Builds UserRooms over a server that finds each user's sockets by their user room. */
export function createUserRooms(io: RoomMover, userRoom: (userId: string) => string): UserRooms {
  return {
    join(userId, room) {
      io.in(userRoom(userId)).socketsJoin(room);
    },
    leave(userId, room) {
      io.in(userRoom(userId)).socketsLeave(room);
    },
  };
}
