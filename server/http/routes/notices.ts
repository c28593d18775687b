import { z } from 'zod';
import { pageQuery, uuid } from '../../../common/api/common.js';
import { liveNotice, notice, noticeCreate, noticeListQuery, noticePreview, noticePreviewRequest, noticeUpdate } from '../../../common/api/notices.js';
import { authorizePortal, requireSignedIn } from '../../auth/policy.js';
import type { AppContext } from '../../context.js';
import { renderNoticeMarkdown } from '../../notices/notice-markdown.js';
import { toNoticeDto, type NoticeRow } from '../../notices/notice-record.js';
import { createNotice, dismissNotice, loadNotice, noticeSnapshotFor, updateNotice, withdrawNotice } from '../../notices/notice-service.js';
import { listNotices, reachOf } from '../../notices/notice-store.js';
import { decodeCursor, toPage } from '../pagination.js';
import { defineRoute, type Route } from '../route.js';

const noticeParams = z.object({ noticeId: uuid });
const listQuery = pageQuery.extend(noticeListQuery.shape);

const noticeSnapshot = z
  .object({
    notices: z.array(liveNotice).meta({ description: 'As the `notice:active` socket event sends them.' }),
    dismissedIds: z.array(uuid),
  })
  .meta({ id: 'NoticeSnapshot' });

/**
 * Notices: admins write, schedule, preview, edit and withdraw them; everyone reads the active
 * ones. Admin routes stay writable while the portal is read-only, so an admin can end the maintenance.
 */
export function noticeRoutes(context: AppContext): Route[] {
  const { knex } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/notices/active',
      operationId: 'listActiveNotices',
      summary: 'The notices shown to you now, and which of them you dismissed',
      description: 'The same list a socket receives on connect; for clients that could not keep a live connection.',
      tags: ['notices'],
      permission: 'notices.read',
      success: { status: 200, description: 'The active notices', schema: noticeSnapshot },
      errors: [],
      async handler({ actor }) {
        return noticeSnapshotFor(knex, actor);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notices/preview',
      operationId: 'previewNotice',
      summary: 'Render a notice body and count the users an audience reaches (admins only)',
      tags: ['notices'],
      permission: 'notices.manage',
      body: noticePreviewRequest,
      success: { status: 200, description: 'The sanitised HTML and the reach', schema: noticePreview },
      errors: ['unauthenticated', 'forbidden'],
      readOnly: 'allowed',
      async handler({ body, actor }) {
        await authorizePortal(actor, 'notices.manage');
        return { html: renderNoticeMarkdown(body.bodyMarkdown), reach: await reachOf(knex, body.audience) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/notices',
      operationId: 'listNotices',
      summary: 'List notices, latest start first (admins only)',
      tags: ['notices'],
      permission: 'notices.list',
      query: listQuery,
      success: { status: 200, description: 'A page of notices', schema: z.object({ items: z.array(notice), nextCursor: z.string().nullable() }) },
      errors: ['unauthenticated', 'forbidden'],
      async handler({ query, actor }) {
        await authorizePortal(actor, 'notices.list');
        const rows = listNotices(knex, query.status)
          .orderBy([{ column: 'startsAt', order: 'desc' }, { column: 'id', order: 'desc' }])
          .limit(query.limit + 1);
        if (query.cursor) {
          // The cursor names a row: JavaScript dates drop the microseconds PostgreSQL keeps.
          const [afterId] = decodeCursor(query.cursor, ['uuid']);
          rows.whereRaw('(notices.starts_at, notices.id) < (SELECT starts_at, id FROM notices WHERE id = ?::uuid)', [afterId]);
        }
        const now = new Date();
        return toPage((await rows) as NoticeRow[], query.limit, (last) => [last.id], (row) => toNoticeDto(row, now));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notices',
      operationId: 'createNotice',
      summary: 'Create a notice; it reaches its audience live when it starts (admins only)',
      tags: ['notices'],
      permission: 'notices.manage',
      body: noticeCreate,
      success: { status: 201, description: 'The new notice', schema: notice },
      errors: ['unauthenticated', 'forbidden'],
      readOnly: 'allowed',
      async handler({ body, actor }) {
        const admin = await authorizePortal(actor, 'notices.manage');
        return toNoticeDto(await createNotice(context.notices, admin, body));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/notices/{noticeId}',
      operationId: 'getNotice',
      summary: 'Read a notice with its Markdown source (admins only)',
      tags: ['notices'],
      permission: 'notices.list',
      params: noticeParams,
      success: { status: 200, description: 'The notice', schema: notice },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      async handler({ params, actor }) {
        await authorizePortal(actor, 'notices.list');
        return toNoticeDto(await loadNotice(knex, params.noticeId));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/notices/{noticeId}',
      operationId: 'updateNotice',
      summary: 'Change a notice; browsers showing it update live (admins only)',
      tags: ['notices'],
      permission: 'notices.manage',
      params: noticeParams,
      body: noticeUpdate,
      success: { status: 200, description: 'The changed notice', schema: notice },
      errors: ['unauthenticated', 'forbidden', 'not_found', 'conflict'],
      readOnly: 'allowed',
      async handler({ params, body, actor }) {
        const admin = await authorizePortal(actor, 'notices.manage');
        return toNoticeDto(await updateNotice(context.notices, admin, params.noticeId, body));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notices/{noticeId}/withdraw',
      operationId: 'withdrawNotice',
      summary: 'Withdraw a notice; it disappears at once everywhere (admins only)',
      description: 'Withdrawing a read-only maintenance notice ends the read-only mode at once.',
      tags: ['notices'],
      permission: 'notices.manage',
      params: noticeParams,
      success: { status: 200, description: 'The withdrawn notice', schema: notice },
      errors: ['unauthenticated', 'forbidden', 'not_found'],
      readOnly: 'allowed',
      async handler({ params, actor }) {
        const admin = await authorizePortal(actor, 'notices.manage');
        return toNoticeDto(await withdrawNotice(context.notices, admin, params.noticeId));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/notices/{noticeId}/dismiss',
      operationId: 'dismissNotice',
      summary: 'Dismiss a notice on all your devices',
      tags: ['notices'],
      permission: 'notices.dismiss',
      params: noticeParams,
      success: { status: 204, description: 'Dismissed' },
      errors: ['unauthenticated', 'not_found', 'conflict'],
      readOnly: 'allowed',
      async handler({ params, actor }) {
        await dismissNotice(context.notices, requireSignedIn(actor), params.noticeId);
        return undefined;
      },
    }),
  ];
}
