import { CONFIG_ATTRIBUTES, type ConfigAttribute } from '../protocol/config-attributes.js';

export type RawConfig = Partial<Record<ConfigAttribute, string>>;

/**
 * The attributes that configure `element`: those of the first
 * `<tandem-config>` (in the element's own tree first, then the document),
 * overlaid with the element's own. Empty attributes count as absent.
 */
export function readRawConfig(element: Element): RawConfig {
  const raw: RawConfig = {};
  for (const source of [(element.getRootNode() as ParentNode).querySelector?.('tandem-config') ?? document.querySelector('tandem-config'), element]) {
    for (const name of CONFIG_ATTRIBUTES) {
      const value = source?.getAttribute(name)?.trim();
      if (value) raw[name] = value;
    }
  }
  return raw;
}
