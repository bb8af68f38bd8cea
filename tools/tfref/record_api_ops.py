"""Record TensorFlow 2.21's outputs and gradients for the tf / tf.math / tf.bitwise functions that
issue 12 added (special functions, segment reductions, cumulative ops, sorting, scatter, ...).

    /work/tfvenv/bin/python tools/tfref/record_api_ops.py

Same case format and machinery as record_ops.py (tools/tfref/README.md), written to
tests/data/tf_reference/api_ops.json + api_ops.npz, which tests/test_tf_parity.py and
tests/test_tf_gradient_parity.py replay next to ops.json. Inputs come from their own seeded
stream, so re-running writes byte-identical files.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import record_ops as R  # noqa: E402
from record_ops import F64, I32, I64, L, V, a, case  # noqa: E402

R.rng = np.random.default_rng(12)
rn, ru, ri = R.rn, R.ru, R.ri
NAN, INF = float("nan"), float("inf")


def unary():
    dom = {
        "tan": lambda: ru(-1.2, 1.2, 2, 3), "asin": lambda: ru(-0.9, 0.9, 2, 3), "acos": lambda: ru(-0.9, 0.9, 2, 3),
        "atan": lambda: rn(2, 3, scale=2), "sinh": lambda: rn(2, 3), "cosh": lambda: rn(2, 3),
        "asinh": lambda: rn(2, 3, scale=2), "acosh": lambda: ru(1.2, 4, 2, 3), "atanh": lambda: ru(-0.9, 0.9, 2, 3),
        "erfc": lambda: rn(2, 3), "lgamma": lambda: ru(0.2, 5, 2, 3), "digamma": lambda: ru(0.3, 5, 2, 3),
        "erfinv": lambda: ru(-0.9, 0.9, 2, 3), "ndtri": lambda: ru(0.05, 0.95, 2, 3),
        "erfcinv": lambda: ru(0.1, 1.9, 2, 3),
        "bessel_i0": lambda: rn(2, 3, scale=2), "bessel_i1": lambda: rn(2, 3, scale=2),
        "bessel_i0e": lambda: rn(2, 3, scale=2), "bessel_i1e": lambda: rn(2, 3, scale=2),
        "log_sigmoid": lambda: rn(2, 3, scale=3), "softsign": lambda: rn(2, 3, scale=2),
        "rint": lambda: a([0.5, 1.5, 2.5, -0.5, -1.7, 3.2]), "reciprocal_no_nan": lambda: a([2., 0., -0.5, 4.]),
        "is_inf": lambda: a([1., INF, -INF, NAN]), "real": lambda: rn(2, 3), "imag": lambda: rn(2, 3),
        "conj": lambda: rn(2, 3), "angle": lambda: a([-1., 0., 2., -0.5]),
        "zero_fraction": lambda: a([0., 1., 0., 3.]),
    }
    for name, make in dom.items():
        case(f"api_{name}_f32", "math." + name, [make()])
    for name in ("lgamma", "digamma", "bessel_i1e", "erfinv"):
        case(f"api_{name}_f64", "math." + name, [ru(0.3, 0.9, 3, dtype=F64)])
    case("api_bessel_i1_zero", "math.bessel_i1", [a([0., 1., -1.])])
    case("api_bessel_i1e_zero", "math.bessel_i1e", [a([0., 1., -1.])])
    for name in ("bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e"):
        case(f"api_special_{name}", "math.special." + name, [ru(0.2, 0.9, 3)])
    for name in ("acos", "acosh", "asin", "asinh", "atan", "atanh", "cosh", "sinh", "tan"):
        case(f"api_top_{name}", name, [ru(1.1, 1.5, 3) if name == "acosh" else ru(-0.5, 0.5, 3)])
    case("api_lbeta_f32", "math.lbeta", [ru(0.5, 3, 2, 3)])
    case("api_count_nonzero", "math.count_nonzero", [a([[0., 1., 2.], [0., 0., 3.]])], {"axis": 1})
    case("api_count_nonzero_all", "math.count_nonzero", [a([[0, 1, 2], [0, 0, 3]], I32)])
    case("api_is_non_decreasing", "math.is_non_decreasing", [a([1, 2, 2, 3], I32)])
    case("api_is_strictly_increasing", "math.is_strictly_increasing", [a([1., 2., 2., 3.])])
    case("api_invert_permutation", "math.invert_permutation", [a([2, 0, 3, 1], I32)])
    case("api_l2_normalize", "math.l2_normalize", [rn(2, 3)], {"axis": 1})
    case("api_err_atan_int", "math.atan", [a([1, 2], I32)])


def binary():
    case("api_atan2", "math.atan2", [rn(2, 3), rn(2, 3)])
    case("api_atan2_top", "atan2", [rn(3), rn(3)])
    case("api_xlogy", "math.xlogy", [a([0., 1., 2., 0.5]), a([0., 2., 0.5, 3.])])
    case("api_xlog1py", "math.xlog1py", [a([0., 1., 2., 0.5]), a([-1., 2., 0.5, 3.])])
    case("api_xdivy", "math.xdivy", [a([0., 1., 2., 0.5]), a([0., 2., 0.5, 3.])])
    case("api_xlogy_bcast", "math.xlogy", [rn(2, 3), ru(0.5, 2, 3)])
    case("api_divide_no_nan", "math.divide_no_nan", [a([1., 0., 2., 3.]), a([0., 0., 4., -1.])])
    case("api_multiply_no_nan", "math.multiply_no_nan", [a([1., INF, 2., NAN]), a([0., 0., 4., 2.])], grad=False)
    case("api_multiply_no_nan_grad", "math.multiply_no_nan", [a([1., -2., 2., 3.]), a([0., 0., 4., 2.])])
    case("api_nextafter", "math.nextafter", [a([1., 0., -1.]), a([2., -1., -1.])])
    case("api_igamma", "math.igamma", [ru(0.5, 3, 2, 3), ru(0.2, 4, 2, 3)])
    case("api_igammac", "math.igammac", [ru(0.5, 3, 2, 3), ru(0.2, 4, 2, 3)])
    case("api_igamma_f64", "math.igamma", [ru(0.5, 3, 3, dtype=F64), ru(0.2, 4, 3, dtype=F64)])
    case("api_zeta", "math.zeta", [ru(1.5, 4, 2, 3), ru(0.5, 3, 2, 3)])
    case("api_polygamma", "math.polygamma", [a([0., 1., 2., 3.]), ru(0.5, 3, 4)])
    case("api_betainc", "math.betainc", [ru(0.5, 3, 2, 3), ru(0.5, 3, 2, 3), ru(0.1, 0.9, 2, 3)])
    case("api_truncatediv_i32", "truncatediv", [a([7, -7, 7, -7], I32), a([2, 2, -2, -2], I32)])
    case("api_truncatemod_i32", "truncatemod", [a([7, -7, 7, -7], I32), a([2, 2, -2, -2], I32)])
    case("api_truncatemod_f32", "truncatemod", [a([7.5, -7.5, 7.5]), a([2., 2., -2.])], grad=False)
    case("api_truncatediv_top", "truncatediv", [a([7, -7], I64), a([2, 3], I64)])
    case("api_truncatemod_top", "truncatemod", [a([7, -7], I64), a([2, 3], I64)])
    case("api_scalar_mul", "math.scalar_mul", [2.5, rn(2, 3)])
    case("api_scalar_mul_top", "scalar_mul", [a(-1.5), rn(3)])
    case("api_realdiv_top", "realdiv", [rn(3), ru(0.5, 2, 3)])
    case("api_polyval", "math.polyval", [L(a(2.), a(-1.), a(0.5)), rn(2, 3)])
    case("api_accumulate_n", "math.accumulate_n", [L(rn(2, 3), rn(2, 3), rn(2, 3))])
    for name in ("left_shift", "right_shift", "bitwise_and", "bitwise_or", "bitwise_xor"):
        case(f"api_bitwise_{name}", "bitwise." + name, [a([1, 8, -16, 255], I32), a([1, 2, 3, 4], I32)])
    case("api_bitwise_invert_u8", "bitwise.invert", [a([0, 1, 200], np.uint8)])
    case("api_bitwise_invert_i32", "bitwise.invert", [a([0, 1, -5], I32)])


def reductions():
    x = rn(2, 3, 4)
    for name in ("reduce_std", "reduce_variance", "reduce_euclidean_norm"):
        case(f"api_{name}", "math." + name, [x], {"axis": 1})
        case(f"api_{name}_all", "math." + name, [rn(2, 3)])
        case(f"api_{name}_keep", "math." + name, [rn(2, 3)], {"axis": [0, 1], "keepdims": True})
    case("api_reduce_euclidean_norm_i32", "math.reduce_euclidean_norm", [a([[3, 4], [1, 1]], I32)], {"axis": 1})
    case("api_cumsum", "math.cumsum", [rn(2, 3)], {"axis": 1})
    case("api_cumsum_excl_rev", "math.cumsum", [rn(2, 3)], {"axis": 0, "exclusive": True, "reverse": True})
    case("api_cumsum_i32", "math.cumsum", [a([1, 2, 3], I32)], {"reverse": True})
    case("api_cumsum_top", "cumsum", [rn(4)], {"exclusive": True})
    case("api_cumprod", "math.cumprod", [ru(0.5, 2, 2, 3)], {"axis": 1})
    case("api_cumprod_excl_rev", "math.cumprod", [ru(0.5, 2, 2, 3)], {"axis": 1, "exclusive": True,
                                                                       "reverse": True})
    case("api_cumulative_logsumexp", "math.cumulative_logsumexp", [rn(2, 3)], {"axis": 1})
    case("api_cumulative_logsumexp_rev", "math.cumulative_logsumexp", [rn(4)], {"reverse": True})


def segments():
    data = rn(5, 2)
    ids = a([0, 0, 1, 3, 3], I32)
    for kind in ("sum", "mean", "max", "min", "prod"):
        case(f"api_segment_{kind}", f"math.segment_{kind}", [data, ids])
        case(f"api_unsorted_segment_{kind}", f"math.unsorted_segment_{kind}", [rn(5, 2), a([2, 0, 2, -1, 0], I32), 4])
    case("api_segment_prod_zeros", "math.segment_prod", [a([[0., 2.], [3., 0.], [0., 1.], [4., 5.]]),
                                                           a([0, 0, 1, 1], I32)])
    case("api_segment_max_ties", "math.segment_max", [a([1., 3., 3., 2.]), a([0, 0, 0, 1], I32)])
    case("api_segment_sum_i32", "math.segment_sum", [a([1, 2, 3], I32), a([0, 2, 2], I64)])
    case("api_unsorted_segment_sqrt_n", "math.unsorted_segment_sqrt_n", [rn(5, 2), a([2, 0, 2, 1, 0], I32), 3])
    case("api_unsorted_segment_sum_2d_ids", "math.unsorted_segment_sum", [rn(2, 3), a([[0, 1, 0], [2, 2, 1]], I32), 3])
    case("api_err_segment_unsorted_ids", "math.segment_sum", [rn(3), a([1, 0, 2], I32)])
    case("api_bincount", "math.bincount", [a([1, 1, 4, 2, 1], I32)])
    case("api_bincount_weights", "math.bincount", [a([1, 1, 4, 2], I32), a([0.5, 1., 2., 3.])],
         {"minlength": 6}, grad=False)
    case("api_bincount_maxlength", "math.bincount", [a([1, 1, 4, 2], I32)], {"maxlength": 3})
    case("api_bincount_axis", "math.bincount", [a([[1, 0, 1], [2, 2, 2]], I32)], {"axis": -1})
    case("api_bincount_binary", "math.bincount", [a([1, 1, 4], I32)], {"binary_output": True})
    case("api_confusion_matrix", "math.confusion_matrix", [a([1, 2, 4, 0], I32), a([2, 2, 4, 0], I32)])
    case("api_confusion_matrix_n", "math.confusion_matrix", [a([1, 0], I32), a([1, 1], I32)],
         {"num_classes": 3, "dtype": R.D("float32")})


def ordering():
    x = rn(2, 5)
    case("api_top_k", "math.top_k", [x], {"k": 3})
    case("api_top_k_ties", "math.top_k", [a([[1., 3., 3., 2., 3.]])], {"k": 2})
    case("api_top_k_i32", "math.top_k", [a([4, 1, 4, 9], I32)], {"k": 4})
    case("api_top_k_3d", "math.top_k", [rn(2, 2, 4)], {"k": 2})
    case("api_err_top_k_too_big", "math.top_k", [rn(3)], {"k": 4})
    case("api_in_top_k", "math.in_top_k", [a([0, 2, 1], I32), a([[0.1, 0.9, 0.], [0.3, 0.3, 0.4], [1., 1., 0.]]),
                                           2])
    case("api_approx_max_k", "math.approx_max_k", [rn(2, 5), 2])
    case("api_approx_top_k", "approx_top_k", [rn(2, 5), 2])
    case("api_sort", "sort", [rn(2, 5)])
    case("api_sort_desc_axis0", "sort", [rn(3, 2)], {"axis": 0, "direction": "DESCENDING"})
    case("api_sort_i32", "sort", [a([3, 1, 2, 1], I32)])
    case("api_argsort", "argsort", [a([3., 1., 2., 1.])])
    case("api_argsort_desc", "argsort", [a([[3, 1, 2, 3]], I32)], {"direction": "DESCENDING"})
    case("api_argsort_axis0", "argsort", [rn(3, 2)], {"axis": 0})
    case("api_unique", "unique", [a([1, 1, 2, 4, 4, 4, 7, 8, 8], I32)])
    case("api_unique_f32_i64", "unique", [a([3., 1., 3., 2.])], {"out_idx": R.D("int64")})
    case("api_unique_with_counts", "unique_with_counts", [a([5, 5, 1, 5, 2], I64)])
    case("api_searchsorted", "searchsorted", [a([[1., 3., 5.], [0., 2., 4.]]), a([[2., 5.], [4., 5.]])])
    case("api_searchsorted_right", "searchsorted", [a([1, 3, 3, 5], I32), a([3, 0, 6], I32)], {"side": "right"})


def arrays():
    case("api_roll", "roll", [rn(2, 3)], {"shift": 1, "axis": 1})
    case("api_roll_multi", "roll", [rn(2, 3)], {"shift": [1, -1], "axis": [0, 1]})
    case("api_reverse", "reverse", [rn(2, 3)], {"axis": [1]})
    case("api_reverse_both", "reverse", [rn(2, 3)], {"axis": [0, -1]})
    case("api_reverse_sequence", "reverse_sequence", [rn(3, 4), a([2, 4, 0], I32)], {"seq_axis": 1, "batch_axis": 0})
    tensor, idx = rn(4, 2), a([[1], [3]], I32)
    for kind in ("update", "add", "sub", "max", "min"):
        case(f"api_tensor_scatter_nd_{kind}", f"tensor_scatter_nd_{kind}", [tensor, idx, rn(2, 2)])
    case("api_tensor_scatter_nd_update_elems", "tensor_scatter_nd_update", [rn(2, 3), a([[0, 1], [1, 2]], I32),
                                                                            rn(2)])
    case("api_err_tensor_scatter_oob", "tensor_scatter_nd_update", [rn(2, 3), a([[5]], I32), rn(1, 3)])
    case("api_scatter_nd", "scatter_nd", [a([[1], [3], [1]], I32), rn(3, 2), V([4, 2])])
    case("api_boolean_mask", "boolean_mask", [rn(3, 2), a([True, False, True], np.bool_)])
    case("api_boolean_mask_2d", "boolean_mask", [rn(2, 2, 3), a([[True, False], [True, True]], np.bool_)])
    case("api_boolean_mask_axis", "boolean_mask", [rn(2, 3), a([False, True, True], np.bool_)], {"axis": 1})
    case("api_meshgrid", "meshgrid", [rn(3), rn(2)])
    case("api_meshgrid_ij", "meshgrid", [a([1, 2, 3], I32), a([4, 5], I32), a([6, 7], I32)], {"indexing": "ij"})
    case("api_repeat", "repeat", [rn(2, 3), 2], {"axis": 1})
    case("api_repeat_list", "repeat", [rn(3, 2), V([1, 0, 2])], {"axis": 0})
    case("api_repeat_flat", "repeat", [a([[1, 2], [3, 4]], I32), 2])
    case("api_sequence_mask", "sequence_mask", [a([1, 3, 0], I32)], {"maxlen": 4})
    case("api_sequence_mask_auto", "sequence_mask", [a([[1, 2], [3, 0]], I32)], {"dtype": R.D("float32")})
    case("api_histogram_fixed_width", "histogram_fixed_width", [a([-1., 0., 1.5, 2., 5., 0.2]), a([0., 5.])],
         {"nbins": 5})
    case("api_histogram_fixed_width_bins", "histogram_fixed_width_bins", [a([-1., 0., 1.5, 2., 5., 0.2]),
                                                                          a([0., 5.])], {"nbins": 5})
    case("api_clip_by_norm", "clip_by_norm", [a([3., 4.]), 2.])
    case("api_clip_by_norm_axes", "clip_by_norm", [rn(2, 3, scale=3), 1.5], {"axes": [1]})
    case("api_clip_by_norm_noop", "clip_by_norm", [a([0.3, 0.4]), 2.])
    case("api_norm", "norm", [rn(2, 3)])
    case("api_norm_axis1", "norm", [rn(2, 3)], {"axis": 1, "ord": 1})
    case("api_norm_inf_keep", "norm", [rn(2, 3)], {"axis": 0, "ord": INF, "keepdims": True})
    case("api_norm_p3", "norm", [rn(4)], {"ord": 3})
    case("api_norm_fro", "norm", [rn(2, 3)], {"ord": "fro", "axis": [0, 1]})
    case("api_norm_matrix_1", "norm", [rn(2, 3)], {"ord": 1, "axis": [0, 1]})
    case("api_guarantee_const", "guarantee_const", [rn(3)], grad=False)
    case("api_identity_n", "identity_n", [L(rn(2), a([1, 2], I32))])
    case("api_shape_n", "shape_n", [L(rn(2, 3), rn(4))], grad=False)
    case("api_ensure_shape", "ensure_shape", [rn(2, 3)], {"shape": [None, 3]})
    case("api_err_ensure_shape", "ensure_shape", [rn(2, 3)], {"shape": [3]})
    case("api_slice", "slice", [rn(3, 4), V([1, 0]), V([2, -1])])
    case("api_unravel_index", "unravel_index", [a([22, 41, 37], I32), a([7, 6], I32)])
    case("api_unravel_index_scalar", "unravel_index", [a(5, I64), a([2, 3], I64)])
    case("api_dynamic_partition", "dynamic_partition", [rn(5, 2), a([0, 1, 0, 2, 1], I32), 3])
    case("api_dynamic_stitch", "dynamic_stitch", [L(a([0, 2], I32), a([1, 3], I32)), L(rn(2, 2), rn(2, 2))])
    case("api_broadcast_dynamic_shape", "broadcast_dynamic_shape", [a([2, 1, 3], I32), a([4, 1], I32)])
    case("api_err_broadcast_dynamic_shape", "broadcast_dynamic_shape", [a([2, 3], I32), a([4], I32)])
    case("api_bitcast_f32_i32", "bitcast", [a([1., -2.])], {"type": R.D("int32")})
    case("api_bitcast_i32_u8", "bitcast", [a([1, 258], I32)], {"type": R.D("uint8")})
    case("api_bitcast_i16_f16", "bitcast", [a([15360, 16384], np.int16)], {"type": R.D("float16")})
    case("api_space_to_batch_nd", "space_to_batch_nd", [rn(2, 4, 6, 1), V([2, 3]), V([[0, 0], [1, 2]])])
    case("api_space_to_batch", "space_to_batch", [rn(1, 4, 4, 2), V([2, 2]), V([[0, 0], [0, 0]])])
    case("api_batch_to_space", "batch_to_space", [rn(12, 2, 3, 1), V([2, 3]), V([[0, 0], [1, 2]])])
    case("api_required_space_to_batch_paddings", "required_space_to_batch_paddings", [V([5, 7]), V([2, 3])],
         grad=False)
    case("api_strided_slice_masks", "strided_slice", [rn(3, 4), V([0, 1]), V([2, 0]), V([1, 1])], {"end_mask": 2})
    case("api_strided_slice_shrink", "strided_slice", [rn(3, 4), V([1, 0]), V([2, 3]), V([1, 2])],
         {"shrink_axis_mask": 1})
    case("api_conv", "conv", [rn(1, 4, 4, 2), rn(2, 2, 2, 3)], {"strides": [1, 1, 1, 1], "padding": "VALID"},
         grad=False)   # TensorFlow has no gradient for its Conv op
    case("api_conv_strided_same", "conv", [rn(1, 5, 5, 1), rn(3, 3, 1, 2)], {"strides": [1, 2, 2, 1],
                                                                            "padding": "SAME"}, grad=False)
    case("api_saturate_cast", "saturate_cast", [a([-300.0, 12.7, 300.0, 1e10])], {"dtype": R.D("uint8")})
    case("api_saturate_cast_i32", "saturate_cast", [a([-3e10, 5.5, 3e10], F64)], {"dtype": R.D("int32")})
    case("api_extract_volume_patches", "extract_volume_patches", [rn(1, 3, 4, 4, 2)],
         {"ksizes": [1, 2, 2, 2, 1], "strides": [1, 1, 2, 2, 1], "padding": "VALID"})
    case("api_extract_volume_patches_same", "extract_volume_patches", [rn(1, 3, 3, 2, 1)],
         {"ksizes": [1, 2, 3, 2, 1], "strides": [1, 2, 1, 1, 1], "padding": "SAME"})
    case("api_where_xy", "where", [a([True, False, True], np.bool_), rn(3), rn(3)])


def main():
    unary()
    binary()
    reductions()
    segments()
    ordering()
    arrays()
    R.write_cases(os.path.join(R.OUT_DIR, "api_ops"))


if __name__ == "__main__":
    main()
