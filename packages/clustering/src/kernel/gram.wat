;; Dot products of row blocks: out[i * ldo + j] = dot(A_i, B_j).
;;
;; A and B are row-major f32 matrices in linear memory whose rows are padded with zeros to a
;; multiple of 4 floats (dv vectors of f32x4 per row). Rows are taken two at a time from A and four
;; at a time from B (a 2x4 register block: 8 f32x4 accumulators, 2 A loads and 4 B loads per step);
;; leftover rows and columns go through 2x1, 1x4 and 1x1 blocks.
;;
;; Every block accumulates each lane with a separate multiply and add (no fused multiply-add), in
;; ascending k, and reduces the lanes as (l0 + l1) + (l2 + l3): a dot product is bit-identical
;; whichever block computes it, and dot(x, y) == dot(y, x).
(module
  (memory (export "memory") 1)

  ;; Horizontal sum of the four lanes, in the fixed order (l0 + l1) + (l2 + l3).
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; a, b, out: byte offsets; na, nb: row counts; dv: f32x4 vectors per row; ldo: out row stride
  ;; in floats.
  (func (export "gram")
    (param $a i32) (param $na i32) (param $b i32) (param $nb i32)
    (param $dv i32) (param $out i32) (param $ldo i32)
    (local $rb i32) (local $ob i32) (local $i i32) (local $j i32) (local $k i32)
    (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pb1 i32) (local $pb2 i32) (local $pb3 i32)
    (local $po0 i32) (local $po1 i32) (local $p i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $c00 v128) (local $c01 v128) (local $c02 v128) (local $c03 v128)
    (local $c10 v128) (local $c11 v128) (local $c12 v128) (local $c13 v128)
    (local.set $rb (i32.shl (local.get $dv) (i32.const 4)))
    (local.set $ob (i32.shl (local.get $ldo) (i32.const 2)))

    ;; Pairs of A rows.
    (local.set $i (i32.const 0))
    (block $rows2_done
      (loop $rows2
        (br_if $rows2_done (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $na)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rb))))
        (local.set $pa1 (i32.add (local.get $pa0) (local.get $rb)))
        (local.set $po0 (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $ob))))
        (local.set $po1 (i32.add (local.get $po0) (local.get $ob)))

        ;; 2x4 blocks.
        (local.set $j (i32.const 0))
        (block $cols4_done
          (loop $cols4
            (br_if $cols4_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $nb)))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rb))))
            (local.set $pb1 (i32.add (local.get $pb0) (local.get $rb)))
            (local.set $pb2 (i32.add (local.get $pb1) (local.get $rb)))
            (local.set $pb3 (i32.add (local.get $pb2) (local.get $rb)))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c02 (v128.const i32x4 0 0 0 0))
            (local.set $c03 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0))
            (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c12 (v128.const i32x4 0 0 0 0))
            (local.set $c13 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $k24_done
              (loop $k24
                (br_if $k24_done (i32.ge_u (local.get $k) (local.get $rb)))
                (local.set $x0 (v128.load (i32.add (local.get $pa0) (local.get $k))))
                (local.set $x1 (v128.load (i32.add (local.get $pa1) (local.get $k))))
                (local.set $y (v128.load (i32.add (local.get $pb0) (local.get $k))))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x0) (local.get $y))))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $pb1) (local.get $k))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x0) (local.get $y))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $pb2) (local.get $k))))
                (local.set $c02 (f32x4.add (local.get $c02) (f32x4.mul (local.get $x0) (local.get $y))))
                (local.set $c12 (f32x4.add (local.get $c12) (f32x4.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $pb3) (local.get $k))))
                (local.set $c03 (f32x4.add (local.get $c03) (f32x4.mul (local.get $x0) (local.get $y))))
                (local.set $c13 (f32x4.add (local.get $c13) (f32x4.mul (local.get $x1) (local.get $y))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $k24)))
            (local.set $p (i32.add (local.get $po0) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store offset=0 (local.get $p) (call $hsum (local.get $c00)))
            (f32.store offset=4 (local.get $p) (call $hsum (local.get $c01)))
            (f32.store offset=8 (local.get $p) (call $hsum (local.get $c02)))
            (f32.store offset=12 (local.get $p) (call $hsum (local.get $c03)))
            (local.set $p (i32.add (local.get $po1) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store offset=0 (local.get $p) (call $hsum (local.get $c10)))
            (f32.store offset=4 (local.get $p) (call $hsum (local.get $c11)))
            (f32.store offset=8 (local.get $p) (call $hsum (local.get $c12)))
            (f32.store offset=12 (local.get $p) (call $hsum (local.get $c13)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols4)))

        ;; 2x1 blocks for the leftover columns.
        (block $cols1_done
          (loop $cols1
            (br_if $cols1_done (i32.ge_s (local.get $j) (local.get $nb)))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rb))))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $k21_done
              (loop $k21
                (br_if $k21_done (i32.ge_u (local.get $k) (local.get $rb)))
                (local.set $y (v128.load (i32.add (local.get $pb0) (local.get $k))))
                (local.set $c00 (f32x4.add (local.get $c00)
                  (f32x4.mul (v128.load (i32.add (local.get $pa0) (local.get $k))) (local.get $y))))
                (local.set $c10 (f32x4.add (local.get $c10)
                  (f32x4.mul (v128.load (i32.add (local.get $pa1) (local.get $k))) (local.get $y))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $k21)))
            (f32.store (i32.add (local.get $po0) (i32.shl (local.get $j) (i32.const 2)))
              (call $hsum (local.get $c00)))
            (f32.store (i32.add (local.get $po1) (i32.shl (local.get $j) (i32.const 2)))
              (call $hsum (local.get $c10)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols1)))

        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows2)))

    ;; The last A row when na is odd.
    (if (i32.lt_s (local.get $i) (local.get $na))
      (then
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rb))))
        (local.set $po0 (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $ob))))

        ;; 1x4 blocks.
        (local.set $j (i32.const 0))
        (block $r_cols4_done
          (loop $r_cols4
            (br_if $r_cols4_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $nb)))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rb))))
            (local.set $pb1 (i32.add (local.get $pb0) (local.get $rb)))
            (local.set $pb2 (i32.add (local.get $pb1) (local.get $rb)))
            (local.set $pb3 (i32.add (local.get $pb2) (local.get $rb)))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c02 (v128.const i32x4 0 0 0 0))
            (local.set $c03 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $k14_done
              (loop $k14
                (br_if $k14_done (i32.ge_u (local.get $k) (local.get $rb)))
                (local.set $x0 (v128.load (i32.add (local.get $pa0) (local.get $k))))
                (local.set $c00 (f32x4.add (local.get $c00)
                  (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $pb0) (local.get $k))))))
                (local.set $c01 (f32x4.add (local.get $c01)
                  (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $pb1) (local.get $k))))))
                (local.set $c02 (f32x4.add (local.get $c02)
                  (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $pb2) (local.get $k))))))
                (local.set $c03 (f32x4.add (local.get $c03)
                  (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $pb3) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $k14)))
            (local.set $p (i32.add (local.get $po0) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store offset=0 (local.get $p) (call $hsum (local.get $c00)))
            (f32.store offset=4 (local.get $p) (call $hsum (local.get $c01)))
            (f32.store offset=8 (local.get $p) (call $hsum (local.get $c02)))
            (f32.store offset=12 (local.get $p) (call $hsum (local.get $c03)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $r_cols4)))

        ;; 1x1 blocks.
        (block $r_cols1_done
          (loop $r_cols1
            (br_if $r_cols1_done (i32.ge_s (local.get $j) (local.get $nb)))
            (local.set $pb0 (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $rb))))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $k11_done
              (loop $k11
                (br_if $k11_done (i32.ge_u (local.get $k) (local.get $rb)))
                (local.set $c00 (f32x4.add (local.get $c00)
                  (f32x4.mul (v128.load (i32.add (local.get $pa0) (local.get $k)))
                    (v128.load (i32.add (local.get $pb0) (local.get $k))))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $k11)))
            (f32.store (i32.add (local.get $po0) (i32.shl (local.get $j) (i32.const 2)))
              (call $hsum (local.get $c00)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $r_cols1)))))))
