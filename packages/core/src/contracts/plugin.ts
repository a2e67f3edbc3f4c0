/** The kinds of plugin that make up an imprinting pipeline. */
export type PluginKind = 'generator' | 'normalizer' | 'aggregator' | 'backbone' | 'presampler' | 'kselector';

/**
 * What every plugin is: a plain object with a `kind`, a `name` under which configs refer to it,
 * and an optional `version` (recorded in saved heads and result files).
 */
export interface PluginBase<K extends PluginKind = PluginKind> {
  readonly kind: K;
  readonly name: string;
  readonly version?: string;
}
