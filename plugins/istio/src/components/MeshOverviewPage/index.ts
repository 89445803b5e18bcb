export { MeshOverviewContent } from './MeshOverviewContent';
export { MeshOverviewPage } from './MeshOverviewPage';
