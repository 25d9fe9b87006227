// The browser's twin of core/softmax.py, core/loss.py and components/numbers.py, for the states
// drawn *between* two Python runs while a hand moves a slider. Once the hand stops, Python reruns
// and every number on the page is core's again. tests/browser/test_live.py checks this file
// against core for random logits and against components.numbers for random numbers.

/** Knuth's two-sum: a + b == hi + lo exactly (core.softmax._two_sum). */
function twoSum(a, b) {
  const hi = a + b;
  const bVirtual = hi - a;
  const aVirtual = hi - bVirtual;
  return [hi, (a - aVirtual) + (b - bVirtual)];
}

/**
 * Softmax, loss and gradient of logits z with true class `target` (0-based), as core computes them:
 * p_i = w_i / (1 + s), w_i = exp(z_i - z_m), w_m = 1, s = sum_{i != m} w_i, m the first largest logit.
 * Returns p, 1 - p (exact in its digits where p rounds to 1), loss E = -ln p_target,
 * grad = dE/dz = p - y, descent = -grad, predicted = m.
 */
export function softmaxNumbers(z, target) {
  const n = z.length;
  let m = 0;
  for (let i = 1; i < n; i++) if (z[i] > z[m]) m = i;
  const q = new Array(n);
  const w = new Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const [hi, lo] = twoSum(z[i], -z[m]);
    q[i] = hi + lo; // lo is ~1e-16 of hi: kept for ln p, as core keeps q + c
    w[i] = i === m ? 1 : Math.exp(hi) * (1 + lo);
    if (i !== m) s += w[i];
  }
  const p = w.map((wi) => wi / (1 + s));
  const oneMinusP = p.map((pi, i) => (i === m ? s / (1 + s) : 1 - pi));
  const logP = q.map((qi) => qi - Math.log1p(s));
  const grad = p.map((pi, i) => (i === target ? -oneMinusP[i] : pi));
  return {
    p,
    oneMinusP,
    loss: -logP[target],
    grad,
    descent: grad.map((g) => (g === 0 ? 0 : -g)),
    predicted: m,
  };
}

/** components.numbers.fmt: 4 decimals from 1 up, 4 significant digits below, scientific outside [1e-4, 1e6). */
export function fmt(x, digits = 4) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  if (x === 0) return "0";
  const size = Math.abs(x);
  if (size >= 1e-4 && size < 1e6) {
    const decimals = size >= 1 ? digits : digits - 1 - Math.floor(Math.log10(size));
    let text = pyFixed(x, decimals);
    if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
    return text === "-0" ? "0" : text;
  }
  const [mantissa, exponent] = x.toExponential(digits).split("e");
  return `${mantissa.replace(/0+$/, "").replace(/\.$/, "")}e${Number(exponent)}`;
}

/** Python's f"{x:.{d}f}": the exact binary value rounded, ties to even (toFixed breaks ties away from 0). */
function pyFixed(x, decimals) {
  const text = x.toFixed(decimals);
  const long = Math.abs(x).toFixed(Math.min(decimals + 60, 100));
  const cut = long.indexOf(".") + 1 + decimals; // the first digit past the ones kept
  if (!/^50*$/.test(long.slice(decimals === 0 ? cut - 1 + 1 : cut))) return text;
  const kept = long.slice(0, decimals === 0 ? cut - 1 : cut);
  const lastDigit = Number(kept.replace(".", "").slice(-1));
  if (lastDigit % 2 === 1) return text; // away from 0 made it even already
  return (x < 0 ? "-" : "") + kept.replace(/\.$/, "");
}

/** components.numbers.fmt_signed: an explicit + on positive values. */
export function fmtSigned(x, digits = 4) {
  const text = fmt(x, digits);
  return text.startsWith("-") || text === "0" ? text : `+${text}`;
}

/** components.numbers.fmt_probability: a p that rounds to 1 is written 1 − (1 − p). */
export function fmtProbability(p, oneMinusP, digits = 4) {
  if (fmt(p, digits) === "1" && oneMinusP > 0) return `1 − ${fmt(oneMinusP, digits)}`;
  return fmt(p, digits);
}

/** components.content.prediction.class_list (plain text): "Class 1, 2 and 3", "cat and dog", "all 10 classes". */
export function classList(labels, named, classes) {
  const n = labels.length;
  if (classes.length === n && n > 2) return `all ${n} classes`;
  let names = classes.map((i) => labels[i]);
  if (names.length > 1 && classes.every((i) => !named[i])) names = [names[0], ...classes.slice(1).map((i) => String(i + 1))];
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/**
 * components.content.prediction.plain_verdict for logits z: the prediction, the line under it, its
 * tooltip, and the line's tone ("right", "wrong" or "tie"). A tie (two or more logits equal to the
 * largest, as core.explanation's top_classes) is never called right or wrong.
 */
export function verdict(z, target, labels, named, nums = softmaxNumbers(z, target)) {
  const m = nums.predicted;
  const top = [];
  z.forEach((v, i) => { if (v === z[m]) top.push(i); });
  const trueLabel = labels[target];
  if (top.length > 1) {
    const listed = classList(labels, named, top);
    const topP = fmtProbability(nums.p[m], nums.oneMinusP[m]);
    const where = top.includes(target) ? "one of them" : "not one of them";
    return {
      value: `Tie: ${listed}`,
      under: `share the top p = ${topP}`,
      why: `Tie: ${listed} share the top p = ${topP}: the network predicts no single class. The true class, ${trueLabel}, is ${where}.`,
      tone: "tie",
    };
  }
  const right = m === target;
  return {
    value: labels[m],
    under: `${right ? "right" : "wrong"}: true class is ${trueLabel}`,
    why: "The class with the largest output p.",
    tone: right ? "right" : "wrong",
  };
}
