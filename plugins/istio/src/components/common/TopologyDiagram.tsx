import { Topology } from '@meshdeck/plugin-istio-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';

type Node = Topology['nodes'][number];

/**
 * Top to bottom: how a request travels from the public host to the pods.
 * Istio's VirtualServices and the Gateway API's HTTPRoutes share the route
 * row; Gateway API listeners sit between their Gateway and the routes.
 */
const LAYERS: Array<Array<Node['kind']>> = [
  ['host'],
  ['gateway'],
  ['listener'],
  ['virtualService', 'httpRoute'],
  ['service'],
  ['subset'],
  ['workload'],
];

const CAPTIONS: Record<Node['kind'], string> = {
  host: 'host',
  gateway: 'gateway',
  listener: 'listener',
  virtualService: 'virtual service',
  httpRoute: 'HTTPRoute',
  service: 'service',
  subset: 'subset',
  workload: 'workload',
};

const WIDTH = 560;
const PAD = 8;
const GAP = 12;
const NODE_HEIGHT = 34;
const ROW_HEIGHT = 58;
const MAX_NODE_WIDTH = 200;
const CHAR_WIDTH = 6.4;

const useStyles = makeStyles(theme => ({
  svg: { width: '100%', height: 'auto', display: 'block' },
  caption: {
    fontSize: 9,
    letterSpacing: 0.6,
    textTransform: 'uppercase',
    fill: theme.palette.text.secondary,
  },
  label: { fontSize: 11.5, fill: theme.palette.text.primary },
  weight: { fontSize: 10.5, fontWeight: 600, fill: theme.palette.text.primary },
}));

function fit(text: string, width: number): string {
  const max = Math.max(4, Math.floor((width - 16) / CHAR_WIDTH));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

type Placed = Node & { x: number; y: number; width: number };

/** Places nodes in layers, each ordered by where its parents are. */
export function layoutTopology(topology: Topology): {
  nodes: Placed[];
  height: number;
} {
  const parents = new Map<string, string[]>();
  for (const e of topology.edges) {
    parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  }
  const position = new Map<string, number>();
  const placed: Placed[] = [];
  let row = 0;
  for (const layer of LAYERS) {
    const inLayer = topology.nodes.filter(n => layer.includes(n.kind));
    if (inLayer.length === 0) {
      continue;
    }
    const order = (n: Node) => {
      const ps = (parents.get(n.id) ?? []).filter(p => position.has(p));
      return ps.length === 0
        ? Number.MAX_SAFE_INTEGER
        : ps.reduce((sum, p) => sum + position.get(p)!, 0) / ps.length;
    };
    inLayer.sort((a, b) => order(a) - order(b));
    const width = Math.min(
      MAX_NODE_WIDTH,
      (WIDTH - 2 * PAD - (inLayer.length - 1) * GAP) / inLayer.length,
    );
    const total = inLayer.length * width + (inLayer.length - 1) * GAP;
    const left = (WIDTH - total) / 2;
    const y = PAD + row * ROW_HEIGHT;
    inLayer.forEach((n, i) => {
      const x = left + i * (width + GAP);
      position.set(n.id, x + width / 2);
      placed.push({ ...n, x, y, width });
    });
    row++;
  }
  return {
    nodes: placed,
    height: PAD * 2 + Math.max(0, row - 1) * ROW_HEIGHT + NODE_HEIGHT,
  };
}

function nodeText(node: Node): string {
  if (node.kind === 'workload' && node.podCount !== undefined) {
    return `${node.label} · ${node.podCount} ${
      node.podCount === 1 ? 'pod' : 'pods'
    }`;
  }
  return node.label;
}

/**
 * The route topology as an SVG drawn from config: public host → Gateway →
 * VirtualService → Service → subsets (with weights) → workloads (with pod
 * counts), and for the Gateway API host → Gateway → listener → HTTPRoute →
 * Service (with each backend's share) → workloads. Plain SVG text, so tests
 * and screen readers can read it.
 */
export function TopologyDiagram(props: { topology: Topology }) {
  const classes = useStyles();
  const theme = useTheme();
  const { topology } = props;
  if (topology.nodes.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Reachable inside the mesh only: no gateway routes traffic to this
        service. To expose it outside the mesh, use the “Expose a service over
        HTTPS” template.
      </Typography>
    );
  }
  const { nodes, height } = layoutTopology(topology);
  const byId = new Map(nodes.map(n => [n.id, n]));
  const colour: Record<Node['kind'], string> = {
    host: theme.palette.info?.main ?? '#2196f3',
    gateway: '#7b1fa2',
    listener: '#5e35b1',
    virtualService: '#00838f',
    httpRoute: '#00695c',
    service: '#2e7d32',
    subset: '#ef6c00',
    workload: '#546e7a',
  };
  const caption = (kind: Node['kind']) => CAPTIONS[kind] ?? kind;

  return (
    <svg
      className={classes.svg}
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label="Route topology"
    >
      {topology.edges.map(edge => {
        const from = byId.get(edge.from);
        const to = byId.get(edge.to);
        if (!from || !to) {
          return null;
        }
        const x1 = from.x + from.width / 2;
        const y1 = from.y + NODE_HEIGHT;
        const x2 = to.x + to.width / 2;
        const y2 = to.y;
        const midY = (y1 + y2) / 2;
        return (
          <g key={`${edge.from}->${edge.to}`} data-testid="topology-edge">
            <path
              d={`M${x1},${y1} C${x1},${midY} ${x2},${midY} ${x2},${y2}`}
              fill="none"
              stroke={theme.palette.divider}
              strokeWidth={1.5}
            />
            {edge.weight !== undefined && (
              <g>
                <rect
                  x={(x1 + x2) / 2 - 16}
                  y={midY - 8}
                  width={32}
                  height={16}
                  rx={8}
                  fill={theme.palette.background.paper}
                  stroke={colour.subset}
                />
                <text
                  className={classes.weight}
                  x={(x1 + x2) / 2}
                  y={midY + 4}
                  textAnchor="middle"
                >
                  {`${edge.weight}%`}
                </text>
              </g>
            )}
          </g>
        );
      })}
      {nodes.map(node => (
        <g
          key={node.id}
          data-testid="topology-node"
          data-kind={node.kind}
          transform={`translate(${node.x},${node.y})`}
        >
          <title>{`${caption(node.kind)}: ${nodeText(node)}`}</title>
          <rect
            width={node.width}
            height={NODE_HEIGHT}
            rx={5}
            fill={theme.palette.background.paper}
            stroke={theme.palette.divider}
          />
          <rect
            width={4}
            height={NODE_HEIGHT}
            rx={2}
            fill={colour[node.kind]}
          />
          <text className={classes.caption} x={10} y={12}>
            {caption(node.kind)}
          </text>
          <text className={classes.label} x={10} y={27}>
            {fit(nodeText(node), node.width)}
          </text>
        </g>
      ))}
    </svg>
  );
}
