#!/bin/sh
# Re-copies the ONNX operator conformance cases that the float engine runs
# from Debian's libonnx-testdata package (the ONNX project's node tests,
# Apache-2.0) into this folder. Run it from anywhere after
# `apt-get install libonnx-testdata`; the copied version is written to VERSION.
#
# Cases of supported operators that are left out, and why:
#   test_add_uint8 test_sub_uint8 test_mul_uint8 test_div_uint8
#   test_clip_default_int8_inbounds test_clip_default_int8_max
#   test_clip_default_int8_min test_maxpool_2d_uint8
#       integer element types; the float kernels take float32 only
#   test_batchnorm_epsilon_training_mode test_batchnorm_example_training_mode
#       training mode, which the engine rejects
#   test_averagepool_3d_default test_maxpool_3d_default
#       3-D pooling is not implemented
#   test_maxpool_with_argmax_2d_precomputed_pads
#   test_maxpool_with_argmax_2d_precomputed_strides
#       the Indices output of MaxPool is not implemented
#   test_identity_opt test_identity_sequence
#       optional and sequence values; the engine holds tensors only
#   test_softmax_*_expanded
#       Softmax expanded into ReduceMax, Exp and ReduceSum, which are not supported
# Cases whose names only start like a supported operator (test_constant_pad,
# test_constantofshape_*, test_convinteger_*, test_convtranspose_*,
# test_matmulinteger) belong to other operators.
set -eu

source_dir=/usr/share/libonnx-testdata/data/node
target_dir=$(cd "$(dirname "$0")" && pwd)

cases="
test_add test_add_bcast
test_averagepool_1d_default test_averagepool_2d_ceil test_averagepool_2d_default
test_averagepool_2d_pads test_averagepool_2d_pads_count_include_pad
test_averagepool_2d_precomputed_pads test_averagepool_2d_precomputed_pads_count_include_pad
test_averagepool_2d_precomputed_same_upper test_averagepool_2d_precomputed_strides
test_averagepool_2d_same_lower test_averagepool_2d_same_upper test_averagepool_2d_strides
test_basic_conv_with_padding test_basic_conv_without_padding
test_batchnorm_epsilon test_batchnorm_example
test_clip test_clip_default_inbounds test_clip_default_max test_clip_default_min
test_clip_example test_clip_inbounds test_clip_outbounds test_clip_splitbounds
test_concat_1d_axis_0 test_concat_1d_axis_negative_1 test_concat_2d_axis_0
test_concat_2d_axis_1 test_concat_2d_axis_negative_1 test_concat_2d_axis_negative_2
test_concat_3d_axis_0 test_concat_3d_axis_1 test_concat_3d_axis_2
test_concat_3d_axis_negative_1 test_concat_3d_axis_negative_2 test_concat_3d_axis_negative_3
test_constant
test_conv_with_autopad_same test_conv_with_strides_and_asymmetric_padding
test_conv_with_strides_no_padding test_conv_with_strides_padding
test_div test_div_bcast test_div_example
test_dropout_default test_dropout_default_mask test_dropout_default_mask_ratio
test_dropout_default_old test_dropout_default_ratio test_dropout_random_old
test_flatten_axis0 test_flatten_axis1 test_flatten_axis2 test_flatten_axis3
test_flatten_default_axis test_flatten_negative_axis1 test_flatten_negative_axis2
test_flatten_negative_axis3 test_flatten_negative_axis4
test_gemm_all_attributes test_gemm_alpha test_gemm_beta test_gemm_default_matrix_bias
test_gemm_default_no_bias test_gemm_default_scalar_bias
test_gemm_default_single_elem_vector_bias test_gemm_default_vector_bias
test_gemm_default_zero_bias test_gemm_transposeA test_gemm_transposeB
test_globalaveragepool test_globalaveragepool_precomputed
test_hardsigmoid test_hardsigmoid_default test_hardsigmoid_example
test_hardswish test_hardswish_expanded
test_identity
test_leakyrelu test_leakyrelu_default test_leakyrelu_example
test_matmul_2d test_matmul_3d test_matmul_4d
test_maxpool_1d_default test_maxpool_2d_ceil test_maxpool_2d_default
test_maxpool_2d_dilations test_maxpool_2d_pads test_maxpool_2d_precomputed_pads
test_maxpool_2d_precomputed_same_upper test_maxpool_2d_precomputed_strides
test_maxpool_2d_same_lower test_maxpool_2d_same_upper test_maxpool_2d_strides
test_mul test_mul_bcast test_mul_example
test_relu
test_reshape_allowzero_reordered test_reshape_extended_dims test_reshape_negative_dim
test_reshape_negative_extended_dims test_reshape_one_dim test_reshape_reduced_dims
test_reshape_reordered_all_dims test_reshape_reordered_last_dims
test_reshape_zero_and_negative_dim test_reshape_zero_dim
test_sigmoid test_sigmoid_example
test_softmax_axis_0 test_softmax_axis_1 test_softmax_axis_2 test_softmax_default_axis
test_softmax_example test_softmax_large_number test_softmax_negative_axis
test_squeeze test_squeeze_negative_axes
test_sub test_sub_bcast test_sub_example
test_tanh test_tanh_example
test_transpose_all_permutations_0 test_transpose_all_permutations_1
test_transpose_all_permutations_2 test_transpose_all_permutations_3
test_transpose_all_permutations_4 test_transpose_all_permutations_5 test_transpose_default
test_unsqueeze_axis_0 test_unsqueeze_axis_1 test_unsqueeze_axis_2 test_unsqueeze_axis_3
test_unsqueeze_negative_axes test_unsqueeze_three_axes test_unsqueeze_two_axes
test_unsqueeze_unsorted_axes
"

for name in $cases; do
    rm -rf "${target_dir:?}/$name"
    cp -r "$source_dir/$name" "$target_dir/$name"
done
dpkg-query -W -f='libonnx-testdata ${Version}\n' libonnx-testdata > "$target_dir/VERSION"
echo "copied $(echo $cases | wc -w) cases into $target_dir"
