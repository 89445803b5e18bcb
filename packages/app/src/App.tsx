import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';

/**
 * Features are discovered from this package's dependencies (`app.packages: all`
 * in app-config.yaml); Meshdeck's frontend plugin `@meshdeck/plugin-istio`
 * contributes the entity card and tab that way.
 */
export default createApp({
  features: [catalogPlugin, navModule],
});
