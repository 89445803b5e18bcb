export interface Config {
  /**
   * Meshdeck's backend reads its settings under `istio` (declared by
   * `@meshdeck/plugin-istio-node`, shared with the scaffolder module).
   */
  istio?: {};
}
