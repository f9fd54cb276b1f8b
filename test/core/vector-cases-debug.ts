// Cases for the CONFIG_DMA_API_DEBUG vectors (spec §8). dma-debug reports these at run time; DMA Lens says
// them statically, so each case writes a small driver doing what the vector's call does, with the vector's
// sizes and directions, runs the language server's rules over it, and checks that the findings quote the
// kernel texts the vector expects (each text is first found in the vector, then in a finding).
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/checks/rule';
import type { Vector } from './vector-case';

export interface DebugRun {
  vector: Vector;
  findings: Finding[];
}

export interface DebugVectorCase {
  id: string;
  /** Kernel-style C that makes the vector's calls. */
  driver(vector: Vector): string;
  checks: { name: string; check(run: DebugRun): void }[];
}

/** `TO_DEVICE` or `DMA_TO_DEVICE` as the kernel constant. */
function kernelDirection(text: unknown): string {
  const name = String(text);
  return name.startsWith('DMA_') ? name : `DMA_${name}`;
}

/** The direction a call of the vector's `call` line is made with, e.g. `dma_map_single(TO_DEVICE)`. */
function callDirection(vector: Vector, api: string): string {
  const match = new RegExp(`${api}\\((\\w+)\\)`).exec(vector.call);
  assert.ok(match, `the vector's call names the direction of ${api}`);
  return kernelDirection(match[1]);
}

/** A rule's finding quotes `text`, which the vector's expectation states too. */
function quotes(rule: string, text: (vector: Vector) => string) {
  return {
    name: `${rule} quotes the kernel`,
    check({ vector, findings }: DebugRun) {
      const expected = text(vector);
      assert.ok(vector.expect.dma_addr_or_rule.includes(expected), `the vector expects "${expected}"`);
      const messages = findings.filter((finding) => finding.ruleId === rule).map((finding) => finding.message);
      assert.ok(
        messages.some((message) => message.includes(expected)),
        `a ${rule} finding quotes "${expected}"; got: ${messages.join(' | ') || 'no such finding'}`,
      );
    },
  };
}

function driver(body: string): string {
  return `// SPDX-License-Identifier: GPL-2.0
#include <linux/dma-mapping.h>

struct vec_priv {
	struct device *dev;
	void *buf;
};

static int vec_run(struct vec_priv *priv)
{
	dma_addr_t handle;

${body}
	return 0;
}
`;
}

export const debugCases: DebugVectorCase[] = [
  {
    id: 'V70',
    driver: ({ input }) =>
      driver(
        `\thandle = dma_map_single(priv->dev, priv->buf, ${input['size_map']}, ${kernelDirection(input['dir'])});\n` +
          `\tdma_unmap_single(priv->dev, handle, ${input['size_unmap']}, ${kernelDirection(input['dir'])});`,
      ),
    checks: [
      quotes('unmap-mismatch', () => 'device driver frees DMA memory with different size'),
      quotes(
        'unmap-mismatch',
        ({ input }) => `[map size=${input['size_map']} bytes] [unmap size=${input['size_unmap']} bytes]`,
      ),
      quotes('unchecked-mapping', () => 'device driver failed to check map error'),
    ],
  },
  {
    id: 'V71',
    driver: (vector) =>
      driver(
        `\thandle = dma_map_single(priv->dev, priv->buf, ${vector.input['size']}, ${callDirection(vector, 'dma_map_single')});\n` +
          `\tif (dma_mapping_error(priv->dev, handle))\n\t\treturn -ENOMEM;\n` +
          `\tdma_sync_single_for_cpu(priv->dev, handle, ${vector.input['size']}, ${callDirection(vector, 'dma_sync_single_for_cpu')});`,
      ),
    checks: [
      quotes('sync-direction', () => 'device driver syncs DMA memory with different direction'),
      quotes(
        'sync-direction',
        (vector) =>
          `[mapped with ${callDirection(vector, 'dma_map_single')}] [synced with ${callDirection(vector, 'dma_sync_single_for_cpu')}]`,
      ),
      quotes('sync-direction', () => 'device driver syncs device read-only DMA memory for cpu'),
    ],
  },
];
