import type { Vectors } from '../types.js';

/** Unit vectors in the plane at the given angles in degrees. */
export function atAngles(degrees: readonly number[]): Vectors {
  const data = new Float32Array(degrees.length * 2);
  degrees.forEach((deg, i) => {
    data[2 * i] = Math.cos((deg * Math.PI) / 180);
    data[2 * i + 1] = Math.sin((deg * Math.PI) / 180);
  });
  return { data, n: degrees.length, d: 2 };
}

/** Two unit vectors whose float32 dot product is exactly 0.5: (1, 0) and (0.5, √0.75). */
export const HALF_COSINE: Vectors = { data: Float32Array.of(1, 0, 0.5, Math.sqrt(0.75)), n: 2, d: 2 };
