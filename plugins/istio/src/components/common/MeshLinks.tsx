import { ClusterStatus } from '@meshdeck/plugin-istio-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';

function LinkButton(props: { href: string; label: string; testId: string }) {
  return (
    <Button
      size="small"
      variant="outlined"
      color="primary"
      href={props.href}
      target="_blank"
      rel="noopener noreferrer"
      endIcon={<OpenInNewIcon fontSize="small" />}
      data-testid={props.testId}
      style={{ marginRight: 8, marginBottom: 8, textTransform: 'none' }}
    >
      {props.label}
    </Button>
  );
}

const lastPart = (key: string) => key.split('/').pop() ?? key;

/**
 * One click into Kiali and Jaeger for a cluster. A link whose base URL is
 * not configured is left out, with a hint saying which setting adds it.
 */
export function MeshLinks(props: {
  cluster: ClusterStatus;
  showName?: boolean;
}) {
  const { cluster, showName } = props;
  const { kialiGraph, kialiServices = {}, jaeger = {} } = cluster.links;
  const services = Object.entries(kialiServices);
  const traces = Object.entries(jaeger);
  const missing = [
    kialiGraph ? undefined : 'kiali',
    traces.length > 0 ? undefined : 'jaeger',
  ].filter(Boolean);
  const suffix = showName ? ` (${cluster.name})` : '';

  return (
    <Box data-testid={`mesh-links-${cluster.name}`}>
      {kialiGraph && (
        <LinkButton
          href={kialiGraph}
          label={`Open in Kiali${suffix}`}
          testId="link-kiali-graph"
        />
      )}
      {services.map(([key, href]) => (
        <LinkButton
          key={key}
          href={href}
          label={
            services.length === 1
              ? `Service in Kiali${suffix}`
              : `Service ${lastPart(key)} in Kiali${suffix}`
          }
          testId="link-kiali-service"
        />
      ))}
      {traces.map(([namespace, href]) => (
        <LinkButton
          key={namespace}
          href={href}
          label={
            traces.length === 1
              ? `Traces in Jaeger${suffix}`
              : `Traces in Jaeger (${namespace})${suffix}`
          }
          testId="link-jaeger"
        />
      ))}
      {missing.length > 0 && (
        <Typography
          variant="caption"
          color="textSecondary"
          component="p"
          data-testid="links-hint"
        >
          {missing.includes('kiali') && missing.includes('jaeger')
            ? 'Kiali and Jaeger links'
            : `${missing.includes('kiali') ? 'Kiali' : 'Jaeger'} links`}{' '}
          appear when{' '}
          <code>
            istio.clusters[{cluster.name}].
            {missing.length === 2 ? '{kiali,jaeger}' : missing[0]}.baseUrl
          </code>{' '}
          is set in app-config.
        </Typography>
      )}
    </Box>
  );
}
