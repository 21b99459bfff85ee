import { checkAccent, contrastWithWhite, darkerShade, MIN_CONTRAST } from '../../src/domain/accentColour';

describe('an accent colour', () => {
  it('passes when white text on it reaches 4.5:1', () => {
    expect(checkAccent('#0B5394')).toEqual({ ok: true, colour: '#0b5394' });
    // WCAG's own examples: white on black is 21:1, white on #767676 just passes.
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(checkAccent('#767676').ok).toBe(true);
    expect(checkAccent('#777777').ok).toBe(false);
  });

  it('is refused under 4.5:1 with the nearest darker colour of the same hue that passes', () => {
    const check = checkAccent('#ff9900');
    expect(check).toMatchObject({ ok: false, reason: 'low_contrast' });
    if (check.ok || check.reason !== 'low_contrast') throw new Error('expected low contrast');
    expect(check.ratio).toBeLessThan(MIN_CONTRAST);
    expect(contrastWithWhite(check.suggestion)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    // Nearest: one step lighter would fail.
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(check.suggestion.slice(i, i + 2), 16));
    const lighter = `#${[r, g, b].map((c) => Math.min(255, Math.round(c / 0.97)).toString(16).padStart(2, '0')).join('')}`;
    expect(contrastWithWhite(lighter)).toBeLessThan(MIN_CONTRAST);
    // Same hue: red stays the largest part, blue stays none.
    expect(r).toBeGreaterThan(g);
    expect(b).toBe(0);
  });

  it('is refused when it is not a #rrggbb colour', () => {
    for (const bad of ['red', '#fff', '0b5394', '#0b539g', 'url(x)']) expect(checkAccent(bad)).toEqual({ ok: false, reason: 'not_a_colour' });
  });

  it('has a darker hover shade', () => {
    expect(contrastWithWhite(darkerShade('#0b5394'))).toBeGreaterThan(contrastWithWhite('#0b5394'));
  });
});
