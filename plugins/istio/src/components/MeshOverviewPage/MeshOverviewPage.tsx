import { Header, Page } from '@backstage/core-components';
import { MeshOverviewContent } from './MeshOverviewContent';

/**
 * The `/mesh` page of legacy apps: a header over {@link MeshOverviewContent}.
 * The new frontend system's page blueprint brings its own header.
 *
 * @public
 */
export function MeshOverviewPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Service mesh"
        subtitle="Certificates, public hosts, data plane and findings across clusters"
      />
      <MeshOverviewContent />
    </Page>
  );
}
