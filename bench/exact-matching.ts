/**
 * Exact maximum-weight matching in a general graph (Edmonds' blossom algorithm,
 * Galil's O(n³) primal-dual version), for the bench only: `pool.quality_2k`
 * compares the pool matcher's tandems with the optimum over the full
 * compatibility graph.
 *
 * A port to TypeScript (typed arrays) of Joris van Rantwijk's public-domain
 * `mwmatching.py`, maximum-weight mode only (no max-cardinality mode). Use
 * integer weights: dual variables then stay exact (the Python original asserts
 * the same), and `verify` checks the optimality certificate — dual feasibility
 * and complementary slackness — so a returned matching is proved optimal, not
 * only believed to be. Edges of weight ≤ 0 never help a maximum-weight matching;
 * callers may leave them out.
 */

export interface WeightedGraph {
  /** Number of vertices 0..n-1. */
  n: number;
  /** Edge k joins u[k] and v[k] (u ≠ v) with weight w[k] (an integer). */
  u: Int32Array;
  v: Int32Array;
  w: Float64Array;
}

export interface MatchingResult {
  /** mate[v] = the vertex matched to v, or -1. */
  mate: Int32Array;
  /** Sum of the weights of the matched edges. */
  weight: number;
}

export function maxWeightMatching(graph: WeightedGraph, { verify = true } = {}): MatchingResult {
  const { n: nvertex, u: eu, v: ev, w: ew } = graph;
  const nedge = eu.length;
  const mateOut = new Int32Array(nvertex).fill(-1);
  if (nedge === 0) return { mate: mateOut, weight: 0 };
  let maxweight = 0;
  for (let k = 0; k < nedge; k++) {
    if (eu[k] === ev[k] || eu[k]! < 0 || ev[k]! < 0 || eu[k]! >= nvertex || ev[k]! >= nvertex) throw new RangeError(`bad edge ${k}`);
    if (!Number.isInteger(ew[k])) throw new RangeError(`edge ${k}: weights must be integers`);
    if (ew[k]! > maxweight) maxweight = ew[k]!;
  }
  const endpoint = new Int32Array(2 * nedge);
  for (let k = 0; k < nedge; k++) {
    endpoint[2 * k] = eu[k]!;
    endpoint[2 * k + 1] = ev[k]!;
  }
  // neighbend[v]: the remote endpoints p of the edges at v (edge p >> 1), as CSR.
  const nbStart = new Int32Array(nvertex + 1);
  for (let k = 0; k < nedge; k++) {
    nbStart[eu[k]! + 1]!++;
    nbStart[ev[k]! + 1]!++;
  }
  for (let i = 0; i < nvertex; i++) nbStart[i + 1]! += nbStart[i]!;
  const nbFill = nbStart.slice(0, nvertex);
  const neighbend = new Int32Array(2 * nedge);
  for (let k = 0; k < nedge; k++) {
    neighbend[nbFill[eu[k]!]!++] = 2 * k + 1;
    neighbend[nbFill[ev[k]!]!++] = 2 * k;
  }

  const n2 = 2 * nvertex;
  const mate = new Int32Array(nvertex).fill(-1); // remote endpoint of the matched edge
  const label = new Int32Array(n2);
  const labelend = new Int32Array(n2).fill(-1);
  const inblossom = Int32Array.from({ length: nvertex }, (_, i) => i);
  const blossomparent = new Int32Array(n2).fill(-1);
  const blossomchilds: (number[] | null)[] = new Array(n2).fill(null);
  const blossombase = new Int32Array(n2).fill(-1);
  for (let i = 0; i < nvertex; i++) blossombase[i] = i;
  const blossomendps: (number[] | null)[] = new Array(n2).fill(null);
  const bestedge = new Int32Array(n2).fill(-1);
  const blossombestedges: (number[] | null)[] = new Array(n2).fill(null);
  const unusedblossoms: number[] = [];
  for (let b = nvertex; b < n2; b++) unusedblossoms.push(b);
  const dualvar = new Float64Array(n2);
  for (let i = 0; i < nvertex; i++) dualvar[i] = maxweight;
  const allowedge = new Uint8Array(nedge);
  let queue: number[] = [];

  const slack = (k: number): number => dualvar[eu[k]!]! + dualvar[ev[k]!]! - 2 * ew[k]!;

  const leaves = (b: number, out: number[]): number[] => {
    if (b < nvertex) out.push(b);
    else for (const t of blossomchilds[b]!) leaves(t, out);
    return out;
  };

  const assignLabel = (w: number, t: number, p: number): void => {
    for (;;) {
      const b = inblossom[w]!;
      label[w] = label[b] = t;
      labelend[w] = labelend[b] = p;
      bestedge[w] = bestedge[b] = -1;
      if (t === 1) {
        leaves(b, queue);
        return;
      }
      // t === 2: label the mate of the base S.
      const base = blossombase[b]!;
      const mb = mate[base]!;
      w = endpoint[mb]!;
      t = 1;
      p = mb ^ 1;
    }
  };

  const scanBlossom = (v: number, w: number): number => {
    const path: number[] = [];
    let base = -1;
    while (v !== -1 || w !== -1) {
      let b = inblossom[v]!;
      if (label[b]! & 4) {
        base = blossombase[b]!;
        break;
      }
      path.push(b);
      label[b] = 5;
      if (labelend[b] === -1) {
        v = -1;
      } else {
        v = endpoint[labelend[b]!]!;
        b = inblossom[v]!;
        v = endpoint[labelend[b]!]!;
      }
      if (w !== -1) {
        const t = v;
        v = w;
        w = t;
      }
    }
    for (const b of path) label[b] = 1;
    return base;
  };

  const addBlossom = (base: number, k: number): void => {
    let v = eu[k]!;
    let w = ev[k]!;
    const bb = inblossom[base]!;
    let bv = inblossom[v]!;
    let bw = inblossom[w]!;
    const b = unusedblossoms.pop()!;
    blossombase[b] = base;
    blossomparent[b] = -1;
    blossomparent[bb] = b;
    const path: number[] = [];
    const endps: number[] = [];
    while (bv !== bb) {
      blossomparent[bv] = b;
      path.push(bv);
      endps.push(labelend[bv]!);
      v = endpoint[labelend[bv]!]!;
      bv = inblossom[v]!;
    }
    path.push(bb);
    path.reverse();
    endps.reverse();
    endps.push(2 * k);
    while (bw !== bb) {
      blossomparent[bw] = b;
      path.push(bw);
      endps.push(labelend[bw]! ^ 1);
      w = endpoint[labelend[bw]!]!;
      bw = inblossom[w]!;
    }
    blossomchilds[b] = path;
    blossomendps[b] = endps;
    label[b] = 1;
    labelend[b] = labelend[bb]!;
    dualvar[b] = 0;
    for (const x of leaves(b, [])) {
      if (label[inblossom[x]!] === 2) queue.push(x);
      inblossom[x] = b;
    }
    const bestedgeto = new Int32Array(n2).fill(-1);
    for (const child of path) {
      let nblists: number[][];
      if (blossombestedges[child] === null) {
        nblists = leaves(child, []).map((x) => {
          const list: number[] = [];
          for (let q = nbStart[x]!; q < nbStart[x + 1]!; q++) list.push(neighbend[q]! >> 1);
          return list;
        });
      } else {
        nblists = [blossombestedges[child]!];
      }
      for (const nblist of nblists) {
        for (const e of nblist) {
          let i = eu[e]!;
          let j = ev[e]!;
          if (inblossom[j] === b) {
            const t = i;
            i = j;
            j = t;
          }
          const bj = inblossom[j]!;
          if (bj !== b && label[bj] === 1 && (bestedgeto[bj] === -1 || slack(e) < slack(bestedgeto[bj]!))) bestedgeto[bj] = e;
        }
      }
      blossombestedges[child] = null;
      bestedge[child] = -1;
    }
    const best: number[] = [];
    for (let q = 0; q < n2; q++) if (bestedgeto[q] !== -1) best.push(bestedgeto[q]!);
    blossombestedges[b] = best;
    bestedge[b] = -1;
    for (const e of best) if (bestedge[b] === -1 || slack(e) < slack(bestedge[b]!)) bestedge[b] = e;
  };

  const expandBlossom = (b: number, endstage: boolean): void => {
    const childs = blossomchilds[b]!;
    for (const s of childs) {
      blossomparent[s] = -1;
      if (s < nvertex) inblossom[s] = s;
      else if (endstage && dualvar[s] === 0) expandBlossom(s, endstage);
      else for (const x of leaves(s, [])) inblossom[x] = s;
    }
    if (!endstage && label[b] === 2) {
      const endps = blossomendps[b]!;
      const entrychild = inblossom[endpoint[labelend[b]! ^ 1]!]!;
      let j = childs.indexOf(entrychild);
      let jstep: number;
      let endptrick: number;
      if (j & 1) {
        j -= childs.length;
        jstep = 1;
        endptrick = 0;
      } else {
        jstep = -1;
        endptrick = 1;
      }
      const at = (arr: number[], i: number): number => arr[i < 0 ? i + arr.length : i]!;
      let p = labelend[b]!;
      while (j !== 0) {
        label[endpoint[p ^ 1]!] = 0;
        label[endpoint[at(endps, j - endptrick) ^ endptrick ^ 1]!] = 0;
        assignLabel(endpoint[p ^ 1]!, 2, p);
        allowedge[at(endps, j - endptrick) >> 1] = 1;
        j += jstep;
        p = at(endps, j - endptrick) ^ endptrick;
        allowedge[p >> 1] = 1;
        j += jstep;
      }
      let bv = at(childs, j);
      label[endpoint[p ^ 1]!] = label[bv] = 2;
      labelend[endpoint[p ^ 1]!] = labelend[bv] = p;
      bestedge[bv] = -1;
      j += jstep;
      while (at(childs, j) !== entrychild) {
        bv = at(childs, j);
        if (label[bv] === 1) {
          j += jstep;
          continue;
        }
        let found = -1;
        for (const x of leaves(bv, [])) {
          if (label[x] !== 0) {
            found = x;
            break;
          }
        }
        if (found >= 0) {
          label[found] = 0;
          label[endpoint[mate[blossombase[bv]!]!]!] = 0;
          assignLabel(found, 2, labelend[found]!);
        }
        j += jstep;
      }
    }
    label[b] = labelend[b] = -1;
    blossomchilds[b] = blossomendps[b] = null;
    blossombase[b] = -1;
    blossombestedges[b] = null;
    bestedge[b] = -1;
    unusedblossoms.push(b);
  };

  const augmentBlossom = (b: number, v: number): void => {
    let t = v;
    while (blossomparent[t] !== b) t = blossomparent[t]!;
    if (t >= nvertex) augmentBlossom(t, v);
    const childs = blossomchilds[b]!;
    const endps = blossomendps[b]!;
    const i = childs.indexOf(t);
    let j = i;
    let jstep: number;
    let endptrick: number;
    if (i & 1) {
      j -= childs.length;
      jstep = 1;
      endptrick = 0;
    } else {
      jstep = -1;
      endptrick = 1;
    }
    const at = (arr: number[], q: number): number => arr[q < 0 ? q + arr.length : q]!;
    while (j !== 0) {
      j += jstep;
      t = at(childs, j);
      const p = at(endps, j - endptrick) ^ endptrick;
      if (t >= nvertex) augmentBlossom(t, endpoint[p]!);
      j += jstep;
      t = at(childs, j);
      if (t >= nvertex) augmentBlossom(t, endpoint[p ^ 1]!);
      mate[endpoint[p]!] = p ^ 1;
      mate[endpoint[p ^ 1]!] = p;
    }
    blossomchilds[b] = childs.slice(i).concat(childs.slice(0, i));
    blossomendps[b] = endps.slice(i).concat(endps.slice(0, i));
    blossombase[b] = blossombase[blossomchilds[b]![0]!]!;
  };

  const augmentMatching = (k: number): void => {
    const v = eu[k]!;
    const w = ev[k]!;
    for (const [s0, p0] of [
      [v, 2 * k + 1],
      [w, 2 * k],
    ] as const) {
      let s = s0;
      let p = p0;
      for (;;) {
        const bs = inblossom[s]!;
        if (bs >= nvertex) augmentBlossom(bs, s);
        mate[s] = p;
        if (labelend[bs] === -1) break;
        const t = endpoint[labelend[bs]!]!;
        const bt = inblossom[t]!;
        s = endpoint[labelend[bt]!]!;
        const j = endpoint[labelend[bt]! ^ 1]!;
        if (bt >= nvertex) augmentBlossom(bt, j);
        mate[j] = labelend[bt]!;
        p = labelend[bt]! ^ 1;
      }
    }
  };

  for (let stage = 0; stage < nvertex; stage++) {
    label.fill(0);
    bestedge.fill(-1);
    for (let b = nvertex; b < n2; b++) blossombestedges[b] = null;
    allowedge.fill(0);
    queue = [];
    for (let v = 0; v < nvertex; v++) if (mate[v] === -1 && label[inblossom[v]!] === 0) assignLabel(v, 1, -1);
    let augmented = false;
    for (;;) {
      while (queue.length > 0 && !augmented) {
        const v = queue.pop()!;
        for (let q = nbStart[v]!; q < nbStart[v + 1]!; q++) {
          const p = neighbend[q]!;
          const k = p >> 1;
          const w = endpoint[p]!;
          if (inblossom[v] === inblossom[w]) continue;
          let kslack = 0;
          if (!allowedge[k]) {
            kslack = slack(k);
            if (kslack <= 0) allowedge[k] = 1;
          }
          if (allowedge[k]) {
            if (label[inblossom[w]!] === 0) {
              assignLabel(w, 2, p ^ 1);
            } else if (label[inblossom[w]!] === 1) {
              const base = scanBlossom(v, w);
              if (base >= 0) {
                addBlossom(base, k);
              } else {
                augmentMatching(k);
                augmented = true;
                break;
              }
            } else if (label[w] === 0) {
              label[w] = 2;
              labelend[w] = p ^ 1;
            }
          } else if (label[inblossom[w]!] === 1) {
            const b = inblossom[v]!;
            if (bestedge[b] === -1 || kslack < slack(bestedge[b]!)) bestedge[b] = k;
          } else if (label[w] === 0) {
            if (bestedge[w] === -1 || kslack < slack(bestedge[w]!)) bestedge[w] = k;
          }
        }
      }
      if (augmented) break;

      // No augmenting path with tight edges: change the duals.
      let deltatype = 1;
      let delta = Infinity;
      for (let v = 0; v < nvertex; v++) if (dualvar[v]! < delta) delta = dualvar[v]!;
      let deltaedge = -1;
      let deltablossom = -1;
      for (let v = 0; v < nvertex; v++) {
        if (label[inblossom[v]!] === 0 && bestedge[v] !== -1) {
          const d = slack(bestedge[v]!);
          if (d < delta) {
            delta = d;
            deltatype = 2;
            deltaedge = bestedge[v]!;
          }
        }
      }
      for (let b = 0; b < n2; b++) {
        if (blossomparent[b] === -1 && label[b] === 1 && bestedge[b] !== -1) {
          const kslack = slack(bestedge[b]!);
          if (kslack % 2 !== 0) throw new Error('maxWeightMatching: odd slack (weights must be integers)');
          const d = kslack / 2;
          if (d < delta) {
            delta = d;
            deltatype = 3;
            deltaedge = bestedge[b]!;
          }
        }
      }
      for (let b = nvertex; b < n2; b++) {
        if (blossombase[b]! >= 0 && blossomparent[b] === -1 && label[b] === 2 && dualvar[b]! < delta) {
          delta = dualvar[b]!;
          deltatype = 4;
          deltablossom = b;
        }
      }
      for (let v = 0; v < nvertex; v++) {
        const l = label[inblossom[v]!];
        if (l === 1) dualvar[v]! -= delta;
        else if (l === 2) dualvar[v]! += delta;
      }
      for (let b = nvertex; b < n2; b++) {
        if (blossombase[b]! >= 0 && blossomparent[b] === -1) {
          if (label[b] === 1) dualvar[b]! += delta;
          else if (label[b] === 2) dualvar[b]! -= delta;
        }
      }
      if (deltatype === 1) break;
      if (deltatype === 2) {
        allowedge[deltaedge] = 1;
        let i = eu[deltaedge]!;
        if (label[inblossom[i]!] === 0) i = ev[deltaedge]!;
        queue.push(i);
      } else if (deltatype === 3) {
        allowedge[deltaedge] = 1;
        queue.push(eu[deltaedge]!);
      } else {
        expandBlossom(deltablossom, false);
      }
    }
    if (!augmented) break;
    for (let b = nvertex; b < n2; b++) {
      if (blossomparent[b] === -1 && blossombase[b]! >= 0 && label[b] === 1 && dualvar[b] === 0) expandBlossom(b, true);
    }
  }

  if (verify) {
    // The optimality certificate (mwmatching's verifyOptimum, max-weight mode).
    for (let v = 0; v < nvertex; v++) if (dualvar[v]! < 0) throw new Error('verify: negative vertex dual');
    for (let b = nvertex; b < n2; b++) if (dualvar[b]! < 0) throw new Error('verify: negative blossom dual');
    for (let k = 0; k < nedge; k++) {
      const i = eu[k]!;
      const j = ev[k]!;
      let s = dualvar[i]! + dualvar[j]! - 2 * ew[k]!;
      const ib: number[] = [i];
      const jb: number[] = [j];
      while (blossomparent[ib[ib.length - 1]!] !== -1) ib.push(blossomparent[ib[ib.length - 1]!]!);
      while (blossomparent[jb[jb.length - 1]!] !== -1) jb.push(blossomparent[jb[jb.length - 1]!]!);
      ib.reverse();
      jb.reverse();
      for (let q = 0; q < Math.min(ib.length, jb.length); q++) {
        if (ib[q] !== jb[q]) break;
        s += 2 * dualvar[ib[q]!]!;
      }
      if (s < 0) throw new Error(`verify: negative slack on edge ${k}`);
      if (mate[i]! >> 1 === k || mate[j]! >> 1 === k) {
        if (mate[i]! >> 1 !== k || mate[j]! >> 1 !== k) throw new Error(`verify: half-matched edge ${k}`);
        if (s !== 0) throw new Error(`verify: matched edge ${k} not tight`);
      }
    }
    for (let v = 0; v < nvertex; v++) if (mate[v]! < 0 && dualvar[v] !== 0) throw new Error('verify: free vertex with positive dual');
    for (let b = nvertex; b < n2; b++) {
      if (blossombase[b]! >= 0 && dualvar[b]! > 0) {
        const endps = blossomendps[b]!;
        if (endps.length % 2 !== 1) throw new Error('verify: even blossom');
        for (let q = 1; q < endps.length; q += 2) {
          const p = endps[q]!;
          if (mate[endpoint[p]!] !== (p ^ 1) || mate[endpoint[p ^ 1]!] !== p) throw new Error('verify: blossom not matched');
        }
      }
    }
  }

  let weight = 0;
  for (let v = 0; v < nvertex; v++) {
    if (mate[v]! >= 0) {
      mateOut[v] = endpoint[mate[v]!]!;
      if (v < mateOut[v]!) weight += ew[mate[v]! >> 1]!;
    }
  }
  for (let v = 0; v < nvertex; v++) if (mateOut[v]! >= 0 && mateOut[mateOut[v]!] !== v) throw new Error('maxWeightMatching: inconsistent mates');
  return { mate: mateOut, weight };
}
