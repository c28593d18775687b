import { render } from 'solid-js/web';
import { App } from './app.js';
import { loadSession } from './session/session.js';
import { getSocket } from './realtime/socket.js';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no element with id "app" to render into.');

void loadSession();
getSocket();
render(() => <App />, root);
