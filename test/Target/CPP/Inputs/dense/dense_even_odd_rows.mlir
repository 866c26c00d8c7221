// Two chained dense layers with int4 weights: the first reads
// rows of 12 (even: qnn-cpu-pack-weights walks the packed bytes, two
// weights per byte), the second rows of 7 (odd: rows 1 and 3 start in the
// middle of a byte, so each weight is unpacked by its own index). Both
// signs' extremes (-8, 7) occur among the weights.
!in = !quant.uniform<u8:f32, 0.015625:64>
!w1 = !quant.uniform<i4:f32, 0.125>
!acc1 = !quant.uniform<i32:f32, 0.001953125>
!act = !quant.uniform<u8<0:15>:f32, 0.0625>
!w2 = !quant.uniform<i4:f32, 0.25>
!acc2 = !quant.uniform<i32:f32, 0.015625>

func.func @main(%x: tensor<1x12xf32>) -> tensor<1x3xf32> {
  %w1 = qnn.constant dense<[[-8, 7, 2, 6, 1, 4, 5, -5, -8, -4, -4, 5], [6, -8, -1, 5, -6, 4, -7, -1, 5, -4, -3, -4], [3, -4, 7, -1, -1, 0, 1, 0, 0, 7, 4, 4], [3, 1, -3, 7, -1, -5, 5, -6, 5, 1, -7, -8], [-1, -8, -6, 0, 7, -1, 4, 6, 5, 2, -1, 0], [-4, -1, -2, -5, 7, -8, -7, -5, 7, 3, 6, -5], [3, -3, -1, -8, 1, 5, 2, -6, 0, -4, 7, -8]]> : tensor<7x12xi4> : tensor<7x12x!w1>
  %b1 = qnn.constant dense<[-36, 12, -9, 7, -15, -22, -28]> : tensor<7xi32> : tensor<7x!acc1>
  %w2 = qnn.constant dense<[[-6, 0, 7, 5, 3, 2, -8], [-8, -1, -7, -5, 0, 3, 0], [1, 5, 2, -3, 2, 1, 7]]> : tensor<3x7xi4> : tensor<3x7x!w2>
  %b2 = qnn.constant dense<[-10, 25, -8]> : tensor<3xi32> : tensor<3x!acc2>
  %q = qnn.quantize %x : tensor<1x12xf32> -> tensor<1x12x!in>
  %d1 = qnn.dense %q, %w1, %b1 : (tensor<1x12x!in>, tensor<7x12x!w1>, tensor<7x!acc1>) -> tensor<1x7x!acc1>
  %r1 = qnn.requantize %d1 : tensor<1x7x!acc1> -> tensor<1x7x!act>
  %d2 = qnn.dense %r1, %w2, %b2 : (tensor<1x7x!act>, tensor<3x7x!w2>, tensor<3x!acc2>) -> tensor<1x3x!acc2>
  %y = qnn.dequantize %d2 : tensor<1x3x!acc2> -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
