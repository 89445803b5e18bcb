import { Topology } from '@meshdeck/plugin-istio-common';

type TopologyNode = Topology['nodes'][number];

/**
 * Collects a route topology: each node once (the first label wins), each
 * edge once. Shared by the Istio and the Gateway API topologies, whose host,
 * Service and workload ids are the same so that the two merge.
 */
export class TopologyBuilder {
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly edges: Topology['edges'] = [];

  /** Adds a node unless one with the id exists; returns the id. */
  node(
    id: string,
    kind: TopologyNode['kind'],
    label: string,
    podCount?: number,
  ): string {
    if (!this.nodes.has(id)) {
      this.nodes.set(id, {
        id,
        kind,
        label,
        ...(podCount !== undefined && { podCount }),
      });
    }
    return id;
  }

  /** Adds an edge unless one between the two nodes exists. */
  edge(from: string, to: string, weight?: number): void {
    if (!this.edges.some(e => e.from === from && e.to === to)) {
      this.edges.push({ from, to, ...(weight !== undefined && { weight }) });
    }
  }

  build(): Topology {
    return { nodes: [...this.nodes.values()], edges: this.edges };
  }
}
