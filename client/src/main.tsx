import { render } from 'solid-js/web';
import { App } from './app.js';
import { loadSession } from './session/session.js';
import { startLiveNotices } from './notices/live-notices.js';
import { getSocket } from './realtime/socket.js';
import './styles.css';
import './notices.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no element with id "app" to render into.');

void loadSession();
getSocket();
// Before the first render, so the notice snapshot sent on connect is never missed.
startLiveNotices();
render(() => <App />, root);
