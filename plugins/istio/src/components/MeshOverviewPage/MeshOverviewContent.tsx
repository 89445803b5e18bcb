import {
  CodeSnippet,
  Content,
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { istioMeshReadPermission } from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioApiRef } from '../../api';
import { NoClustersState } from '../common/EmptyStates';
import { ToneText } from '../common/VerdictBadge';
import { CertificatesSection } from './CertificatesSection';
import { ClusterStrip } from './ClusterStrip';
import { DataPlaneSection } from './DataPlaneSection';
import { FilterBar } from './FilterBar';
import { FindingsSection } from './FindingsSection';
import { HostsSection } from './HostsSection';
import {
  certificateLevel,
  filterOptions,
  filterOverview,
  FilteredOverview,
  hostLevel,
  Level,
  levelTone,
  namespaceLevel,
  OverviewFilters,
  proxyVersionLevel,
} from './overviewModel';

const TABS = [
  { id: 'certificates', title: 'Certificates' },
  { id: 'hosts', title: 'Public hosts' },
  { id: 'data-plane', title: 'Data plane' },
  { id: 'findings', title: 'Findings' },
] as const;

type TabId = (typeof TABS)[number]['id'];

const FILTER_KEYS: Array<keyof OverviewFilters> = [
  'cluster',
  'namespace',
  'owner',
  'severity',
];

function worst(levels: Level[]): Level {
  if (levels.includes('error')) {
    return 'error';
  }
  return levels.includes('warning') ? 'warning' : 'info';
}

/** Rows and the most urgent of them, for each tab's label. */
function tabFacts(
  view: FilteredOverview,
): Record<TabId, { count: number; level: Level }> {
  return {
    certificates: {
      count: view.certificates.length,
      level: worst(view.certificates.map(certificateLevel)),
    },
    hosts: {
      count: view.hosts.length,
      level: worst(view.hosts.map(hostLevel)),
    },
    'data-plane': {
      count: view.namespaces.length,
      level: worst([
        ...view.namespaces.map(namespaceLevel),
        ...view.proxyVersions.map(proxyVersionLevel),
      ]),
    },
    findings: {
      count: view.findings.length,
      level: worst(view.findings.map(f => f.severity)),
    },
  };
}

function isForbidden(error: Error): boolean {
  return (
    error.name === 'ResponseError' &&
    (error as Error & { statusCode?: number }).statusCode === 403
  );
}

/** For a user the permission policy does not let read the overview. */
export function PermissionDeniedState() {
  const snippet = `// in your permission policy (packages/backend)
if (request.permission.name === '${istioMeshReadPermission.name}') {
  return { result: AuthorizeResult.ALLOW };
}`;
  return (
    <EmptyState
      missing="info"
      title="You need the istio.mesh.read permission"
      description="The mesh overview shows every team's certificates, hosts and findings, so Backstage's permission framework guards it with istio.mesh.read. Ask your Backstage administrators to allow it for you in the permission policy, for example:"
      action={<CodeSnippet language="typescript" text={snippet} />}
    />
  );
}

/** The filters and tab from the page's address, so a view can be shared. */
function usePageState() {
  const [params, setParams] = useSearchParams();
  const filters: OverviewFilters = {
    cluster: params.get('cluster') ?? '',
    namespace: params.get('namespace') ?? '',
    owner: params.get('owner') ?? '',
    severity:
      (['warning', 'error'] as const).find(s => s === params.get('severity')) ??
      '',
  };
  const tab: TabId =
    TABS.find(t => t.id === params.get('tab'))?.id ?? 'certificates';
  const update = (next: { filters?: OverviewFilters; tab?: TabId }) => {
    const merged = { ...filters, ...next.filters };
    const search = new URLSearchParams();
    const nextTab = next.tab ?? tab;
    if (nextTab !== 'certificates') {
      search.set('tab', nextTab);
    }
    for (const key of FILTER_KEYS) {
      if (merged[key]) {
        search.set(key, merged[key]);
      }
    }
    setParams(search, { replace: true });
  };
  return { filters, tab, update };
}

/**
 * The mesh overview of the platform team: per configured cluster and
 * across clusters, every gateway certificate, every public host, the data
 * plane and the findings, with filters. The new frontend system's page
 * renders it under its own header; legacy apps get `MeshOverviewPage`.
 */
export function MeshOverviewContent() {
  const istioApi = useApi(istioApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => istioApi.getOverview(),
    [istioApi],
  );
  const { filters, tab, update } = usePageState();
  const view = useMemo(
    () => (value ? filterOverview(value, filters) : undefined),
    // the filters are strings: compare them, not the object
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [
      value,
      filters.cluster,
      filters.namespace,
      filters.owner,
      filters.severity,
    ],
  );
  const options = useMemo(
    () => (value ? filterOptions(value) : undefined),
    [value],
  );

  if (loading && !value) {
    return <Progress />;
  }
  if (error || !value || !view || !options) {
    return (
      <Content>
        {error && isForbidden(error) ? (
          <PermissionDeniedState />
        ) : (
          <ResponseErrorPanel error={error ?? new Error('No answer')} />
        )}
      </Content>
    );
  }
  if (value.clusters.length === 0) {
    return (
      <Content>
        <NoClustersState />
      </Content>
    );
  }

  const filtered = Object.values(filters).some(Boolean);
  const many = value.clusters.length > 1 && !filters.cluster;
  const facts = tabFacts(view);
  return (
    <Content>
      <ClusterStrip clusters={view.clusters} />
      <FilterBar
        filters={filters}
        clusters={value.clusters}
        namespaces={options.namespaces}
        owners={options.owners}
        unowned={options.unowned}
        onChange={next => update({ filters: next })}
      />
      <Box
        display="flex"
        alignItems="center"
        justifyContent="space-between"
        flexWrap="wrap"
        mb={1}
      >
        <Tabs
          value={tab}
          onChange={(_e, next: TabId) => update({ tab: next })}
          indicatorColor="primary"
          textColor="primary"
          variant="scrollable"
          scrollButtons="auto"
          aria-label="Mesh overview sections"
        >
          {TABS.map(t => {
            const { count, level } = facts[t.id];
            const label = `${t.title} (${count})`;
            return (
              <Tab
                key={t.id}
                value={t.id}
                data-testid={`tab-${t.id}`}
                label={
                  <Box display="flex" alignItems="center">
                    {level !== 'info' && (
                      // the status icon alone: Backstage's status text is
                      // hidden from screen readers, the tab's name must not be
                      <ToneText tone={levelTone[level]}>{null}</ToneText>
                    )}
                    <span>{label}</span>
                  </Box>
                }
              />
            );
          })}
        </Tabs>
        <Box display="flex" alignItems="center">
          <Typography variant="caption" color="textSecondary">
            as of{' '}
            <span data-testid="overview-generated-at">
              {new Date(value.generatedAt).toLocaleString('en-GB', {
                timeZone: 'UTC',
                dateStyle: 'medium',
                timeStyle: 'short',
              })}{' '}
              UTC
            </span>
          </Typography>
          <Button
            size="small"
            startIcon={<RefreshIcon />}
            onClick={retry}
            disabled={loading}
            style={{ marginLeft: 8 }}
          >
            Reload
          </Button>
        </Box>
      </Box>
      <div role="tabpanel" data-testid={`panel-${tab}`}>
        {tab === 'certificates' && (
          <CertificatesSection
            certificates={view.certificates}
            many={many}
            filtered={filtered}
          />
        )}
        {tab === 'hosts' && (
          <HostsSection hosts={view.hosts} many={many} filtered={filtered} />
        )}
        {tab === 'data-plane' && (
          <DataPlaneSection
            namespaces={view.namespaces}
            proxyVersions={view.proxyVersions}
            clusters={value.clusters}
            many={many}
            filtered={filtered}
          />
        )}
        {tab === 'findings' && (
          <FindingsSection
            findings={view.findings}
            many={many}
            filtered={filtered}
          />
        )}
      </div>
    </Content>
  );
}
