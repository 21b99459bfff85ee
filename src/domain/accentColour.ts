// An organisation's accent colour fills the primary buttons (white text on it) and edges the
// page (on white): both need a contrast of at least 4.5:1 (WCAG 2 AA for text). A colour that
// falls short is refused with the nearest one that passes: the same hue, darkened just enough.
export const MIN_CONTRAST = 4.5;

const HEX = /^#([0-9a-f]{6})$/i;

type Rgb = [number, number, number];

const toRgb = (hex: string): Rgb => {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
};
const toHex = (rgb: Rgb): string => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

/** WCAG relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The contrast ratio of a colour with white (1 to 21). */
export const contrastWithWhite = (hex: string): number => 1.05 / (luminance(toRgb(hex)) + 0.05);

export type AccentCheck = { ok: true; colour: string } | { ok: false; reason: 'not_a_colour' } | { ok: false; reason: 'low_contrast'; ratio: number; suggestion: string };

export function checkAccent(colour: string): AccentCheck {
  if (!HEX.test(colour)) return { ok: false, reason: 'not_a_colour' };
  const ratio = contrastWithWhite(colour);
  if (ratio >= MIN_CONTRAST) return { ok: true, colour: colour.toLowerCase() };
  // Darken toward black in small steps, keeping the hue: the first step that passes is the nearest.
  const rgb = toRgb(colour);
  let suggestion = '#000000';
  for (let f = 0.99; f > 0; f -= 0.01) {
    const darker = toHex(rgb.map((c) => c * f) as Rgb);
    if (contrastWithWhite(darker) >= MIN_CONTRAST) {
      suggestion = darker;
      break;
    }
  }
  return { ok: false, reason: 'low_contrast', ratio: Math.floor(ratio * 100) / 100, suggestion };
}

/** The hover shade of a button: the accent, a little darker. */
export const darkerShade = (hex: string): string => toHex(toRgb(hex).map((c) => c * 0.78) as Rgb);
