import '../../ui/page.css';
import '../../ui/recipients.css';
import './inbox.css';
import { mount } from '../../ui/mount.tsx';
import { App } from './App.tsx';

mount(<App />, 'inboxTitle');
