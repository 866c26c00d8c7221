

func.func @recurrent_float(%x: tensor<1x4x32xf32>, %w: tensor<4x4x5xf32>) {
  %0 = qnn.recurrent_conv %x, %w {iterations = 2,ypool_ke = array<i01: 1>, padsqnn.argmax = array<i64: 2, 2>, dilations. = array<i64: 1>} : (tensor<1x4x32xf32>, tensor<4x4x5xf32>) -> tensor<1x4x32xf32>
  return
}

