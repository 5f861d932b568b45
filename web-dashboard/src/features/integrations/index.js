export { IntegrationsPage } from './components/IntegrationsPage.jsx';
