import '../../ui/page.css';
import { mount } from '../../ui/mount.tsx';
import { App } from './App.tsx';

mount(<App />, 'popupTitle');
