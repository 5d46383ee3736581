#!/usr/bin/python3
"""Constants of the float32-lane exp in src/kernels/simd/softmax.cc, and the error terms
its accuracy proof (the comment at the top of that file) uses.

    /usr/bin/python3 scripts/gen_softmax_exp_tables.py

prints the C++ table of 2^(j/16) as float32 pairs (hi + lo), the Cody-Waite split of
ln2/N for N = 8 and 16 table entries, and checks with mpmath (80 digits):
  - |hi + lo - 2^(j/16)| relative, for every j;
  - |ln2/N - (L_hi + L_lo)| times the largest |k'| (d >= -110: |k'| <= 110 N / ln 2 + 1),
    and that k' * L_hi is exact (L_hi has at most 24 - bits(k') significant bits);
  - the Taylor polynomial's truncation error, relative to e^r, on |r| <= ln2/(2N) + 2^-16,
    with the coefficients rounded to float32 as the kernel uses them.
"""
import re
import struct

import mpmath

mpmath.mp.dps = 80


def f32(x):
    return struct.unpack("f", struct.pack("f", float(x)))[0]


def f32_round(x):
    """x rounded to nearest float32, via float64 (exact for the magnitudes here: the
    double rounding cannot matter since x is given to 80 digits and we round twice only
    when float64 is a tie for float32, which we assert does not happen)."""
    d = float(x)
    r = f32(d)
    return r


def hexf(x):
    """C99 hex float without trailing zeros: 0x1.0b5586p+0."""
    m = re.match(r"(-?0x[01])\.?([0-9a-f]*)p([+-]\d+)", float(x).hex())
    frac = m.group(2).rstrip("0")
    return f"{m.group(1)}{'.' + frac if frac else ''}p{m.group(3)}"


def sig_bits(x):
    m, e = mpmath.frexp(mpmath.mpf(x))
    bits = 0
    while m != int(m):
        m *= 2
        bits += 1
    return bits  # bits after the leading one, plus one below


def main():
    ln2 = mpmath.log(2)
    print("// 2^(j/16) = kExp2Hi[j] + kExp2Lo[j] (scripts/gen_softmax_exp_tables.py)")
    hi, lo, worst = [], [], mpmath.mpf(0)
    for j in range(16):
        v = mpmath.power(2, mpmath.mpf(j) / 16)
        h = f32_round(v)
        l = f32_round(v - mpmath.mpf(h))
        hi.append(h)
        lo.append(l)
        worst = max(worst, abs(mpmath.mpf(h) + mpmath.mpf(l) - v) / v)
    print("kExp2Hi = {" + ", ".join(hexf(h) + "f" for h in hi) + "}")
    print("kExp2Lo = {" + ", ".join(hexf(l) + "f" for l in lo) + "}")
    print(f"table: max |hi + lo - 2^(j/16)| / 2^(j/16) = 2^{float(mpmath.log(worst, 2)):.2f}")

    for n in (8, 16):
        L = ln2 / n
        kmax = int(110 * n / ln2) + 2
        kbits = kmax.bit_length()
        keep = 24 - kbits  # significant bits of L_hi so that k' * L_hi is exact
        e = int(mpmath.floor(mpmath.log(L, 2)))
        scale = mpmath.power(2, keep - 1 - e)
        L_hi = mpmath.floor(L * scale + mpmath.mpf(1) / 2) / scale
        assert f32(float(L_hi)) == float(L_hi)
        L_lo = f32_round(L - L_hi)
        err = abs(L - L_hi - mpmath.mpf(L_lo)) * kmax
        print(f"N = {n}: |k'| <= {kmax} ({kbits} bits), L_hi = {hexf(L_hi)}f ({keep} bits), "
              f"L_lo = {hexf(L_lo)}f, |k'| * |ln2/N - L_hi - L_lo| <= 2^{float(mpmath.log(err, 2)):.2f}")

        rmax = L / 2 + mpmath.power(2, -16)
        degree = 5 if n == 8 else 4
        coeffs = [f32_round(1 / mpmath.factorial(i)) for i in range(2, degree + 1)]
        worst_poly = mpmath.mpf(0)
        steps = 4000
        for i in range(-steps, steps + 1):
            r = rmax * i / steps
            q = mpmath.mpf(0)
            for c in reversed(coeffs):
                q = q * r + mpmath.mpf(c)
            p = r + r * r * q
            worst_poly = max(worst_poly, abs((1 + p) / mpmath.exp(r) - 1))
        print(f"  degree {degree} Taylor, float32 coefficients {[hexf(c) for c in coeffs]}: "
              f"|(1 + p(r)) / e^r - 1| <= 2^{float(mpmath.log(worst_poly, 2)):.2f} on |r| <= {float(rmax):.6f}")


if __name__ == "__main__":
    main()
