"""Record TensorFlow's outputs and gradients for tf.linalg, tf.nn, tf.image and tf.signal beyond
record_ops.py, in the same case format (tools/tfref/README.md), into
tests/data/tf_reference/ops_linalg_nn_image_signal.{json,npz}, which test_tf_parity.py and
test_tf_gradient_parity.py replay (CASE_FILES) in eager, graph and gf.function modes; and the
programs of tests/ops/namespace_programs.py into tests/data/tf_reference/namespace_programs.json.

    /work/tfvenv/bin/python tools/tfref/record_linalg_nn_image_signal.py [-v]

Matrices are built well conditioned (or symmetric positive definite) so float32 round-off stays
within the parity tolerances. Factors unique only up to signs (eigh's and svd's vectors) are
recorded through sign-free programs; calls whose arguments the case format cannot carry (a
LinearOperator, a function) are programs too.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import record_ops as R  # noqa: E402
from record_ops import D, L, V, a, case, rn, ru  # noqa: E402, F401

tf = R.tf
F32, F64, I32, I64 = R.F32, R.F64, R.I32, R.I64
OUT = os.path.join(R.OUT_DIR, "ops_linalg_nn_image_signal")
rng = np.random.default_rng(12)


def well(*shape, dtype=F32):
    """Well-conditioned square matrices: identity-dominated."""
    n = shape[-1]
    return (rng.standard_normal(shape) * 0.3 + 2 * np.eye(n)).astype(dtype)


def spd(*shape, dtype=F32):
    m = rng.standard_normal(shape)
    return (m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def lower(*shape, dtype=F32):
    return np.tril(well(*shape, dtype=dtype)).astype(dtype)


def record_linalg():
    for dt, s in ((F32, "f32"), (F64, "f64")):
        case("la_det_%s" % s, "linalg.det", [well(2, 3, 3, dtype=dt)])
        case("la_slogdet_%s" % s, "linalg.slogdet", [well(2, 3, 3, dtype=dt) * -1])
        case("la_inv_%s" % s, "linalg.inv", [well(2, 3, 3, dtype=dt)])
        case("la_solve_%s" % s, "linalg.solve", [well(2, 3, 3, dtype=dt), rn(2, 3, 2, dtype=dt)])
        case("la_cholesky_%s" % s, "linalg.cholesky", [spd(2, 3, 3, dtype=dt)])
    case("la_det_2d", "linalg.det", [well(4, 4)])
    case("la_inv_adjoint", "linalg.inv", [well(3, 3)], {"adjoint": True})
    case("la_solve_adjoint", "linalg.solve", [well(3, 3), rn(3, 1)], {"adjoint": True})
    case("la_solve_shape_error", "linalg.solve", [well(3, 3), rn(4, 1)])
    case("la_det_nonsquare_error", "linalg.det", [rn(2, 3)])
    case("la_cholesky_solve", "linalg.cholesky_solve", [np.linalg.cholesky(spd(3, 3)).astype(F32), rn(3, 2)])
    for lo in (True, False):
        for adj in (True, False):
            m = lower(3, 3) if lo else np.swapaxes(lower(3, 3), -1, -2).copy()
            case("la_triangular_solve_%s_%s" % ("lower" if lo else "upper", "adj" if adj else "plain"),
                 "linalg.triangular_solve", [m, rn(3, 2)], {"lower": lo, "adjoint": adj})
    case("la_triangular_solve_batch", "linalg.triangular_solve", [lower(2, 3, 3), rn(2, 3, 1)])
    case("la_qr_square", "linalg.qr", [well(3, 3)])
    case("la_qr_deep", "linalg.qr", [rn(4, 3)])
    case("la_qr_wide", "linalg.qr", [rn(2, 3)])
    case("la_qr_full", "linalg.qr", [rn(4, 3)], {"full_matrices": True}, grad=False)
    case("la_svd_values", "linalg.svd", [rn(2, 4, 3)], {"compute_uv": False})
    case("la_eigvalsh", "linalg.eigvalsh", [spd(2, 3, 3)])
    case("la_eigvalsh_f64", "linalg.eigvalsh", [spd(4, 4, dtype=F64)], grad=False)   # one gradient compile is enough
    case("la_lu", "linalg.lu", [rn(2, 3, 3)], grad=False)
    lu_in = rn(3, 3)
    lu_, perm = tf.linalg.lu(lu_in)
    case("la_lu_reconstruct", "linalg.lu_reconstruct", [lu_.numpy(), perm.numpy()])
    case("la_lu_solve", "linalg.lu_solve", [lu_.numpy(), perm.numpy(), rn(3, 2)])
    case("la_lu_matrix_inverse", "linalg.lu_matrix_inverse", [lu_.numpy(), perm.numpy()])
    case("la_expm", "linalg.expm", [rn(2, 3, 3, scale=0.5)])
    case("la_expm_large", "linalg.expm", [rn(3, 3, scale=3.0, dtype=F64)])
    case("la_sqrtm", "linalg.sqrtm", [spd(3, 3)])
    case("la_logdet", "linalg.logdet", [spd(2, 3, 3)])
    case("la_lstsq_tall", "linalg.lstsq", [rn(5, 3), rn(5, 2)])
    case("la_lstsq_wide_reg", "linalg.lstsq", [rn(2, 4), rn(2, 1)], {"l2_regularizer": 0.1})
    case("la_pinv", "linalg.pinv", [rn(4, 3)])
    case("la_matrix_rank", "linalg.matrix_rank", [a([[1., 2., 3.], [2., 4., 6.], [0., 1., 1.]])])
    case("la_matrix_transpose", "linalg.matrix_transpose", [rn(2, 3, 4)])
    case("la_adjoint", "linalg.adjoint", [rn(3, 2)])
    case("la_band_part", "linalg.band_part", [rn(2, 4, 5), 1, 2])
    case("la_band_part_lower", "linalg.band_part", [rn(4, 4), -1, 0])
    case("la_diag", "linalg.diag", [rn(2, 3)])
    case("la_diag_k", "linalg.diag", [rn(3)], {"k": 1})
    case("la_diag_k_neg_rows", "linalg.diag", [rn(2)], {"k": -1, "num_rows": 4, "num_cols": 3})
    case("la_diag_part", "linalg.diag_part", [rn(2, 3, 4)])
    case("la_diag_part_k", "linalg.diag_part", [rn(3, 4)], {"k": 1})
    case("la_set_diag", "linalg.set_diag", [rn(2, 3, 3), rn(2, 3)])
    case("la_set_diag_k", "linalg.set_diag", [rn(3, 4), rn(3)], {"k": -1 + 1})
    case("la_trace", "linalg.trace", [rn(2, 3, 3)])
    case("la_tensor_diag", "linalg.tensor_diag", [rn(2, 2)])
    case("la_tensor_diag_part", "linalg.tensor_diag_part", [rn(2, 3, 2, 3)])
    case("la_matvec", "linalg.matvec", [rn(2, 3, 4), rn(2, 4)])
    case("la_matvec_t", "linalg.matvec", [rn(4, 3), rn(4)], {"transpose_a": True})
    case("la_cross", "linalg.cross", [rn(2, 3), rn(2, 3)])
    case("la_norm_default", "linalg.norm", [rn(3, 4)])
    case("la_norm_axis", "linalg.norm", [rn(3, 4)], {"axis": 1, "ord": 1})
    case("la_norm_inf", "linalg.norm", [rn(3, 4)], {"axis": -1, "ord": np.inf, "keepdims": True})
    case("la_norm_p3", "linalg.norm", [rn(5)], {"ord": 3})
    case("la_norm_fro", "linalg.norm", [rn(2, 3, 4)], {"ord": "fro", "axis": [1, 2]})
    case("la_norm_mat1", "linalg.norm", [rn(3, 4)], {"ord": 1, "axis": [0, 1]})
    case("la_norm_matinf", "linalg.norm", [rn(3, 4)], {"ord": np.inf, "axis": [0, 1]})
    case("la_norm_mat2", "linalg.norm", [rn(3, 4)], {"ord": 2, "axis": [0, 1]})
    case("la_normalize", "linalg.normalize", [rn(3, 4)], {"axis": 1})
    case("la_l2_normalize", "linalg.l2_normalize", [rn(3, 4)], {"axis": 1})
    case("la_l2_normalize_all", "linalg.l2_normalize", [rn(2, 3)])
    case("la_global_norm", "linalg.global_norm", [L(rn(3), rn(2, 2))])
    case("la_tridiagonal_matmul", "linalg.tridiagonal_matmul", [rn(3, 4), rn(4, 2)])
    diags = np.stack([rn(4) * 0.3, 3 + rn(4) * 0.1, rn(4) * 0.3])
    case("la_tridiagonal_solve", "linalg.tridiagonal_solve", [diags.astype(F32), rn(4, 2)])
    case("la_banded_triangular_solve", "linalg.banded_triangular_solve",
         [np.stack([2 + rn(4) * 0.1, rn(4) * 0.3]).astype(F32), rn(4, 2)], grad=False)
    case("la_banded_triangular_solve_upper", "linalg.banded_triangular_solve",
         [np.stack([rn(4) * 0.3, 2 + rn(4) * 0.1]).astype(F32), rn(4, 2)], {"lower": False}, grad=False)
    case("la_eigh_tridiagonal", "linalg.eigh_tridiagonal", [2 + rn(4), rn(3)], grad=False)
    case("la_eye", "linalg.eye", [3], {"num_columns": 4, "batch_shape": [2]})
    case("la_eye_f64", "linalg.eye", [2], {"dtype": D("float64")})
    case("la_einsum", "linalg.einsum", [V("ij,jk->ik"), rn(2, 3), rn(3, 2)])
    case("la_tensordot", "linalg.tensordot", [rn(2, 3), rn(3, 2), 1])


def record_nn_extra():
    x = rn(2, 3, 4)
    case("nnx_softsign", "nn.softsign", [rn(3, 4, scale=3)])
    case("nnx_selu", "nn.selu", [rn(3, 4, scale=2)])
    case("nnx_silu", "nn.silu", [rn(3, 4, scale=2)])
    case("nnx_silu_beta", "nn.silu", [rn(5)], {"beta": 0.5})
    case("nnx_swish", "nn.swish", [rn(3, 4, scale=2)])
    case("nnx_dropout_rate0", "nn.dropout", [rn(3, 4)], {"rate": 0.0})
    case("nnx_crelu", "nn.crelu", [rn(2, 3)])
    case("nnx_crelu_axis", "nn.crelu", [rn(2, 3)], {"axis": 0})
    case("nnx_l2_normalize", "nn.l2_normalize", [rn(3, 4)], {"axis": -1})
    case("nnx_weighted_xent", "nn.weighted_cross_entropy_with_logits", [ru(0, 1, 3, 4), rn(3, 4, scale=3), 2.5])
    case("nnx_log_poisson", "nn.log_poisson_loss", [ru(0, 4, 3, 4), rn(3, 4)])
    case("nnx_log_poisson_full", "nn.log_poisson_loss", [ru(0, 4, 3, 4), rn(3, 4)], {"compute_full_loss": True})
    case("nnx_sufficient_statistics_shift", "nn.sufficient_statistics", [x, [1]], {"shift": 0.5, "keepdims": True},
         grad=False)
    case("nnx_normalize_moments", "nn.normalize_moments", [a(6.0), rn(4), ru(5, 6, 4), None])
    case("nnx_normalize_moments_shift", "nn.normalize_moments", [a(6.0), rn(4), ru(5, 6, 4), a(0.3)])
    case("nnx_weighted_moments", "nn.weighted_moments", [x, [0, 1], ru(0, 1, 2, 3, 1)])
    case("nnx_weighted_moments_keep", "nn.weighted_moments", [x, 2, ru(0, 1, 2, 3, 4)], {"keepdims": True})
    case("nnx_batch_normalization", "nn.batch_normalization",
         [x, rn(4), ru(0.5, 1, 4), rn(4), ru(0.5, 2, 4), 1e-3])
    case("nnx_batch_normalization_none", "nn.batch_normalization", [x, rn(4), ru(0.5, 1, 4), None, None, 1e-3])
    case("nnx_batch_norm_global", "nn.batch_norm_with_global_normalization",
         [x, rn(4), ru(0.5, 1, 4), rn(4), ru(0.5, 2, 4), 1e-3, True])
    case("nnx_lrn", "nn.local_response_normalization", [rn(1, 2, 2, 6)], {"depth_radius": 2, "bias": 1.5,
                                                                           "alpha": 0.3, "beta": 0.75})
    case("nnx_lrn_alias", "nn.lrn", [rn(1, 2, 2, 3)])
    case("nnx_zero_fraction", "nn.zero_fraction", [a([[0., 1.], [0., 0.]])])
    case("nnx_compute_average_loss", "nn.compute_average_loss", [rn(4)])
    case("nnx_compute_average_loss_w", "nn.compute_average_loss", [rn(4)],
         {"sample_weight": [1.0, 0.5, 0.0, 2.0], "global_batch_size": 8})
    case("nnx_scale_regularization_loss", "nn.scale_regularization_loss", [rn(3)])
    case("nnx_in_top_k", "nn.in_top_k", [a([0, 2, 1], I32), a([[0.1, 0.5, 0.4], [0.3, 0.3, 0.3], [1., 2., 3.]]), 2])
    # convolutions
    case("nnx_conv1d", "nn.conv1d", [rn(2, 7, 3), rn(3, 3, 2), 1, "SAME"])
    case("nnx_conv1d_stride_valid", "nn.conv1d", [rn(1, 8, 2), rn(2, 2, 3), 2, "VALID"])
    case("nnx_conv1d_dilated", "nn.conv1d", [rn(1, 8, 2), rn(2, 2, 3), 1, "SAME"], {"dilations": 2},
         grad=False)   # TF's CPU conv backprop rejects dilations
    case("nnx_conv3d", "nn.conv3d", [rn(1, 4, 4, 3, 2), rn(2, 2, 2, 2, 3), [1, 1, 1, 1, 1], "SAME"])
    case("nnx_conv3d_stride", "nn.conv3d", [rn(2, 5, 4, 4, 1), rn(3, 2, 2, 1, 2), [1, 2, 1, 2, 1], "VALID"])
    case("nnx_convolution_2d", "nn.convolution", [rn(1, 5, 5, 2), rn(3, 3, 2, 2)], {"padding": "SAME"})
    case("nnx_convolution_1d", "nn.convolution", [rn(1, 6, 2), rn(2, 2, 1)], {"strides": 2})
    case("nnx_conv2d_transpose", "nn.conv2d_transpose", [rn(1, 3, 3, 2), rn(3, 3, 4, 2), [1, 6, 6, 4], 2])
    case("nnx_conv2d_transpose_valid", "nn.conv2d_transpose", [rn(2, 3, 3, 2), rn(2, 2, 1, 2), [2, 4, 4, 1], 1],
         {"padding": "VALID"})
    case("nnx_conv1d_transpose", "nn.conv1d_transpose", [rn(1, 4, 2), rn(3, 3, 2), [1, 8, 3], 2])
    case("nnx_conv3d_transpose", "nn.conv3d_transpose", [rn(1, 2, 2, 2, 2), rn(2, 2, 2, 3, 2), [1, 4, 4, 4, 3],
                                                         [1, 2, 2, 2, 1]])
    case("nnx_conv_transpose", "nn.conv_transpose", [rn(1, 3, 3, 2), rn(3, 3, 4, 2), [1, 6, 6, 4], 2])
    case("nnx_atrous_conv2d", "nn.atrous_conv2d", [rn(1, 6, 6, 2), rn(2, 2, 2, 3), 2, "SAME"])
    case("nnx_atrous_conv2d_transpose", "nn.atrous_conv2d_transpose",
         [rn(1, 6, 6, 3), rn(2, 2, 2, 3), [1, 6, 6, 2], 2, "SAME"], grad=False)
    case("nnx_depthwise_conv2d", "nn.depthwise_conv2d", [rn(2, 5, 5, 3), rn(3, 3, 3, 2), [1, 1, 1, 1], "SAME"])
    case("nnx_depthwise_conv2d_stride", "nn.depthwise_conv2d", [rn(1, 6, 6, 2), rn(2, 2, 2, 1), [1, 2, 2, 1],
                                                                "VALID"])
    case("nnx_depthwise_backprop_input", "nn.depthwise_conv2d_backprop_input",
         [[1, 5, 5, 3], rn(3, 3, 3, 2), rn(1, 5, 5, 6), [1, 1, 1, 1], "SAME"])
    case("nnx_depthwise_backprop_filter", "nn.depthwise_conv2d_backprop_filter",
         [rn(1, 5, 5, 3), [3, 3, 3, 2], rn(1, 5, 5, 6), [1, 1, 1, 1], "SAME"])
    case("nnx_separable_conv2d", "nn.separable_conv2d", [rn(1, 5, 5, 2), rn(3, 3, 2, 2), rn(1, 1, 4, 3),
                                                         [1, 1, 1, 1], "SAME"])
    # pooling
    case("nnx_max_pool1d", "nn.max_pool1d", [rn(2, 7, 3), 2, 2, "SAME"])
    case("nnx_avg_pool1d", "nn.avg_pool1d", [rn(2, 7, 3), 3, 2, "SAME"])
    case("nnx_max_pool3d", "nn.max_pool3d", [rn(1, 4, 4, 4, 2), 2, 2, "VALID"])
    case("nnx_max_pool3d_same", "nn.max_pool3d", [rn(1, 3, 5, 4, 1), [1, 2, 3, 2, 1], [1, 2, 2, 1, 1], "SAME"])
    case("nnx_avg_pool3d", "nn.avg_pool3d", [rn(1, 4, 4, 4, 2), 2, 2, "VALID"])
    case("nnx_avg_pool3d_same", "nn.avg_pool3d", [rn(1, 3, 5, 4, 1), [1, 2, 3, 2, 1], [1, 2, 2, 1, 1], "SAME"])
    case("nnx_max_pool_rank3", "nn.max_pool", [rn(1, 6, 2), 2, 2, "VALID"])
    case("nnx_avg_pool_rank5", "nn.avg_pool", [rn(1, 2, 4, 4, 1), 2, 2, "SAME"], grad=False)  # TF's raises
    case("nnx_pool_max", "nn.pool", [rn(1, 5, 5, 2), [2, 2], "MAX"], {"strides": [2, 2], "padding": "SAME"})
    case("nnx_pool_avg_1d", "nn.pool", [rn(1, 6, 2), [3], "AVG"], {"strides": [1], "padding": "VALID"})
    case("nnx_max_pool_with_argmax", "nn.max_pool_with_argmax", [rn(2, 4, 4, 3), 2, 2, "VALID"])
    case("nnx_max_pool_with_argmax_batch", "nn.max_pool_with_argmax", [rn(2, 5, 5, 2), 3, 2, "SAME"],
         {"include_batch_in_index": True})
    case("nnx_dilation2d", "nn.dilation2d", [rn(1, 5, 5, 2), rn(2, 2, 2), [1, 1, 1, 1], "SAME", "NHWC",
                                             [1, 1, 1, 1]])
    case("nnx_dilation2d_stride", "nn.dilation2d", [rn(2, 6, 6, 1), rn(3, 2, 1), [1, 2, 2, 1], "VALID", "NHWC",
                                                    [1, 1, 2, 1]])
    case("nnx_erosion2d", "nn.erosion2d", [rn(1, 5, 5, 2), rn(2, 3, 2), [1, 1, 1, 1], "SAME", "NHWC",
                                           [1, 1, 1, 1]])
    case("nnx_space_to_depth", "nn.space_to_depth", [rn(1, 4, 6, 2), 2])
    case("nnx_depth_to_space", "nn.depth_to_space", [rn(1, 2, 3, 8), 2])
    case("nnx_space_to_batch", "nn.space_to_batch", [rn(2, 3, 4, 1), [2, 2], [[1, 0], [0, 0]]])
    case("nnx_embedding_lookup", "nn.embedding_lookup", [rn(5, 3), a([[0, 4], [2, 2]], I32)])
    case("nnx_embedding_lookup_max_norm", "nn.embedding_lookup", [rn(5, 3, scale=3), a([1, 3], I32)],
         {"max_norm": 1.0})
    case("nnx_max_pool_generic_2d", "nn.max_pool", [rn(1, 4, 4, 1), 2, 2, "VALID"])
    ctc_labels = a([[1, 2, 2, 0], [3, 1, 0, 0], [2, 0, 0, 0]], I32)
    case("nnx_ctc_loss", "nn.ctc_loss", [ctc_labels, rn(6, 3, 4), a([3, 2, 1], I32), a([6, 5, 4], I32)])
    case("nnx_ctc_loss_batch_major_blank", "nn.ctc_loss", [a([[0, 1, 1], [2, 0, 0]], I32), rn(2, 5, 4),
                                                           a([3, 1], I32), a([5, 3], I32)],
         {"logits_time_major": False, "blank_index": -1})
    sampled = L(a([4, 0, 7], I64), a([[0.3], [0.2]]), a([0.1, 0.4, 0.05]))
    sampled2 = L(a([4, 0, 7], I64), a([[0.3, 0.25], [0.2, 0.1]]), a([0.1, 0.4, 0.05]))
    for fn in ("nce_loss", "sampled_softmax_loss"):
        # sampled_values given (positionally: the recorder passes lists of arrays as arguments only)
        case("nnx_%s" % fn, "nn." + fn, [rn(8, 3), rn(8), a([[1], [4]], I64), rn(2, 3), 3, 8, 1, sampled])
        case("nnx_%s_two_true_hits" % fn, "nn." + fn, [rn(8, 3), rn(8), a([[1, 0], [4, 2]], I64), rn(2, 3), 3, 8, 2,
                                                       sampled2], {"remove_accidental_hits": fn == "nce_loss"})
    iso = a([[1., 3., 2., 4., 0.5], [5., 1., 1.5, 0., -1.]])
    case("nnx_isotonic_regression", "nn.isotonic_regression", [iso])
    case("nnx_isotonic_regression_increasing", "nn.isotonic_regression", [iso], {"decreasing": False})
    case("nnx_isotonic_regression_axis0", "nn.isotonic_regression", [rn(4, 3)], {"axis": 0})
    case("nnx_collapse_repeated", "nn.collapse_repeated", [a([[1, 1, 2, 2, 3, 0], [4, 4, 4, 5, 5, 5]], I32),
                                                          a([5, 4], I32)])
    case("nnx_ctc_unique_labels", "nn.ctc_unique_labels", [a([[3, 4, 4, 3, 0], [1, 1, 2, 0, 0]], I64)])
    case("nnx_all_candidate_sampler", "nn.all_candidate_sampler", [a([[1, 2]], I64), 2, 5, True])
    case("nnx_compute_accidental_hits", "nn.compute_accidental_hits", [a([[1, 2], [0, 3]], I64),
                                                                      a([2, 0, 3, 1], I64), 2])


def record_image():
    img = ru(0, 1, 2, 5, 6, 3)
    one = ru(0, 1, 4, 5, 3)
    u8 = R.ri(0, 256, 4, 5, 3).astype(np.uint8)
    for m in ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"):
        # TF has no gradient for nearest and area resizing (graphflow's einsum/gather have one)
        case("img_resize_%s_up" % m, "image.resize", [img, [7, 9]], {"method": m}, grad=m not in ("nearest", "area"))
        case("img_resize_%s_down" % m, "image.resize", [ru(0, 1, 1, 9, 8, 2), [4, 3]], {"method": m},
             grad=False)
    for m in ("bilinear", "bicubic", "lanczos3", "area"):
        case("img_resize_%s_antialias" % m, "image.resize", [ru(0, 1, 1, 9, 8, 2), [4, 3]],
             {"method": m, "antialias": True}, grad=False)
    case("img_resize_single", "image.resize", [one, [3, 7]])
    case("img_resize_aspect", "image.resize", [one, [8, 8]], {"preserve_aspect_ratio": True}, grad=False)
    case("img_resize_nearest_u8", "image.resize", [u8, [6, 3]], {"method": "nearest"})
    case("img_resize_u8", "image.resize", [u8, [6, 3]])
    case("img_resize_with_pad", "image.resize_with_pad", [one, 6, 6], grad=False)
    case("img_resize_with_crop_or_pad", "image.resize_with_crop_or_pad", [img, 4, 8])
    case("img_resize_with_crop_or_pad_3d", "image.resize_with_crop_or_pad", [one, 7, 3])
    case("img_crop_to_bounding_box", "image.crop_to_bounding_box", [img, 1, 2, 3, 3])
    case("img_crop_error", "image.crop_to_bounding_box", [img, 3, 2, 3, 3])
    case("img_pad_to_bounding_box", "image.pad_to_bounding_box", [one, 1, 2, 6, 8])
    case("img_central_crop", "image.central_crop", [img, 0.5])
    case("img_central_crop_3d", "image.central_crop", [one, 0.7])
    case("img_flip_left_right", "image.flip_left_right", [img])
    case("img_flip_up_down", "image.flip_up_down", [one])
    for k in range(4):
        case("img_rot90_k%d" % k, "image.rot90", [img], {"k": k})
    case("img_transpose", "image.transpose", [one])
    case("img_rgb_to_grayscale", "image.rgb_to_grayscale", [img])
    case("img_rgb_to_grayscale_u8", "image.rgb_to_grayscale", [u8])
    case("img_grayscale_to_rgb", "image.grayscale_to_rgb", [ru(0, 1, 2, 3, 1)])
    hsv_in = np.concatenate([ru(0, 1, 2, 4, 3), a([[[0.5, 0.5, 0.5], [1., 0., 0.], [0., 1., 0.], [0., 0., 1.]]])
                             .repeat(2, 0)], 1)
    case("img_rgb_to_hsv", "image.rgb_to_hsv", [hsv_in], grad=False)
    case("img_hsv_to_rgb", "image.hsv_to_rgb", [ru(0, 1, 2, 4, 3)], grad=False)
    for f in ("rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"):
        case("img_" + f, "image." + f, [ru(0, 1, 3, 4, 3)])
    case("img_adjust_brightness", "image.adjust_brightness", [img, 0.2])
    case("img_adjust_brightness_u8", "image.adjust_brightness", [u8, 0.1])
    case("img_adjust_contrast", "image.adjust_contrast", [img, 1.7], grad=False)   # TF has no gradient
    case("img_adjust_contrast_u8", "image.adjust_contrast", [u8, 0.6])
    case("img_adjust_gamma", "image.adjust_gamma", [img, 0.8, 1.2])
    case("img_adjust_gamma_u8", "image.adjust_gamma", [u8, 1.5])
    case("img_adjust_hue", "image.adjust_hue", [img, 0.3], grad=False)
    case("img_adjust_hue_neg", "image.adjust_hue", [one, -0.45], grad=False)
    case("img_adjust_saturation", "image.adjust_saturation", [img, 1.6], grad=False)
    case("img_adjust_saturation_low", "image.adjust_saturation", [one, 0.3], grad=False)
    case("img_per_image_standardization", "image.per_image_standardization", [img])
    case("img_per_image_standardization_u8", "image.per_image_standardization", [u8])
    case("img_per_image_standardization_const", "image.per_image_standardization", [np.full((2, 2, 1), 3, F32)])
    case("img_convert_u8_to_f32", "image.convert_image_dtype", [u8, D("float32")])
    case("img_convert_f32_to_u8", "image.convert_image_dtype", [img, D("uint8")])
    case("img_convert_f32_to_u8_sat", "image.convert_image_dtype", [img * 1.5 - 0.2, D("uint8")],
         {"saturate": True})
    case("img_convert_u8_to_i32", "image.convert_image_dtype", [u8, D("int32")])
    case("img_convert_i32_to_u8", "image.convert_image_dtype", [R.ri(0, 2 ** 31 - 1, 2, 3, dtype=I32), D("uint8")])
    case("img_convert_f32_to_f64", "image.convert_image_dtype", [img, D("float64")])
    case("img_total_variation", "image.total_variation", [img])
    case("img_total_variation_3d", "image.total_variation", [one])
    case("img_psnr", "image.psnr", [img, img * 0.9 + 0.05, 1.0])
    case("img_psnr_u8", "image.psnr", [u8, np.clip(u8.astype(int) + 3, 0, 255).astype(np.uint8), 255])
    big = ru(0, 1, 2, 12, 12, 2)
    case("img_ssim", "image.ssim", [big, np.clip(big + rn(2, 12, 12, 2) * 0.1, 0, 1).astype(F32), 1.0])
    case("img_ssim_small_filter", "image.ssim", [img, img * 0.8, 1.0], {"filter_size": 3, "filter_sigma": 0.8})
    ms = ru(0, 1, 1, 35, 35, 1)
    case("img_ssim_multiscale", "image.ssim_multiscale", [ms, np.clip(ms + rn(1, 35, 35, 1) * 0.1, 0, 1)
                                                          .astype(F32), 1.0],
         {"filter_size": 3, "power_factors": [0.3, 0.3, 0.4]}, grad=False)
    case("img_sobel_edges", "image.sobel_edges", [img])
    case("img_image_gradients", "image.image_gradients", [img])
    case("img_extract_patches", "image.extract_patches", [img, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID"])
    case("img_extract_patches_same", "image.extract_patches", [img, [1, 3, 2, 1], [1, 1, 2, 1], [1, 2, 1, 1],
                                                               "SAME"])
    boxes = a([[0.1, 0.2, 0.7, 0.9], [0.0, 0.0, 1.0, 1.0], [-0.2, 0.3, 0.5, 1.3]])
    case("img_crop_and_resize", "image.crop_and_resize", [img, boxes, a([0, 1, 1], I32), [3, 4]])
    case("img_crop_and_resize_nearest", "image.crop_and_resize", [img, boxes, a([1, 0, 0], I32), [2, 3]],
         {"method": "nearest", "extrapolation_value": -1.0}, grad=False)
    case("img_crop_and_resize_one", "image.crop_and_resize", [img, boxes[:2], a([0, 1], I32), [1, 1]], grad=False)
    case("img_draw_bounding_boxes", "image.draw_bounding_boxes",
         [np.zeros((1, 6, 7, 3), F32), a([[[0.1, 0.1, 0.8, 0.6], [0.5, 0.5, 1.2, 0.9]]]),
          a([[1, 0, 0, 1], [0, 1, 0, 1]])], grad=False)
    nms_boxes = a([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1],
                   [0, 100, 1, 101]])
    nms_scores = a([0.9, 0.75, 0.6, 0.95, 0.5, 0.3])
    case("img_nms", "image.non_max_suppression", [nms_boxes, nms_scores, 3, 0.5], grad=False)
    case("img_nms_score_threshold", "image.non_max_suppression", [nms_boxes, nms_scores, 6, 0.5, 0.55],
         grad=False)
    case("img_nms_with_scores", "image.non_max_suppression_with_scores", [nms_boxes, nms_scores, 6, 1.0, 0.0, 0.5],
         grad=False)
    case("img_nms_padded", "image.non_max_suppression_padded", [nms_boxes, nms_scores, 5, 0.5],
         {"pad_to_max_output_size": True}, grad=False)
    cboxes = np.stack([nms_boxes / 101.0, (nms_boxes + 0.5) / 101.0], 0)[:, :, None, :].astype(F32)
    cscores = np.stack([np.stack([nms_scores, nms_scores[::-1]], -1), np.stack([nms_scores[::-1], nms_scores], -1)])
    case("img_combined_nms", "image.combined_non_max_suppression", [cboxes, cscores.astype(F32), 2, 5],
         {"iou_threshold": 0.4, "score_threshold": 0.4}, grad=False)
    case("img_combined_nms_pad", "image.combined_non_max_suppression", [cboxes * 2 - 0.5, cscores.astype(F32), 2, 5],
         {"pad_per_class": True, "clip_boxes": False}, grad=False)
    glimpse_in = ru(0, 1, 2, 6, 7, 2)
    for c in (True, False):
        for nz in (True, False):
            offsets = a([[0.1, 0.2], [-0.3, 0.5]]) if nz else a([[0.4, 0.8], [-1.2, 2.0]]) + (0 if c else 2.3)
            case("img_extract_glimpse_%s_%s" % (c, nz), "image.extract_glimpse", [glimpse_in, [3, 4], offsets],
                 {"centered": c, "normalized": nz, "noise": "zero"}, grad=False)
    case("img_extract_glimpse_inside", "image.extract_glimpse", [glimpse_in, [2, 3], a([[0., 0.], [0.1, -0.2]])],
         grad=False)   # TF has no gradient
    overlaps = ru(0, 1, 4, 4)
    case("img_nms_overlaps", "image.non_max_suppression_overlaps", [overlaps, a([0.9, 0.8, 0.7, 0.6]), 3, 0.5],
         grad=False)


def record_signal():
    sig = rn(2, 10)
    case("sig_frame", "signal.frame", [sig, 4, 2])
    case("sig_frame_pad_end", "signal.frame", [sig, 4, 3], {"pad_end": True, "pad_value": 0.5})
    case("sig_frame_axis0", "signal.frame", [rn(7, 2), 3, 2], {"axis": 0})
    case("sig_overlap_and_add", "signal.overlap_and_add", [rn(2, 3, 4), 2])
    case("sig_overlap_and_add_gap", "signal.overlap_and_add", [rn(3, 3), 5])
    for p in (True, False):
        for n in (1, 5, 8):
            case("sig_hann_%d_%s" % (n, p), "signal.hann_window", [n], {"periodic": p})
            case("sig_hamming_%d_%s" % (n, p), "signal.hamming_window", [n], {"periodic": p})
    case("sig_hann_f64", "signal.hann_window", [6], {"dtype": D("float64")})
    case("sig_kaiser", "signal.kaiser_window", [7])
    case("sig_kaiser_beta", "signal.kaiser_window", [6], {"beta": 4.0, "dtype": D("float64")})
    case("sig_kaiser_1", "signal.kaiser_window", [1])
    case("sig_kbd", "signal.kaiser_bessel_derived_window", [8])
    case("sig_vorbis", "signal.vorbis_window", [8])
    for t in (1, 2, 3, 4):
        case("sig_dct%d" % t, "signal.dct", [rn(3, 6)], {"type": t})
        case("sig_idct%d" % t, "signal.idct", [rn(3, 6)], {"type": t})
        if t != 1:
            case("sig_dct%d_ortho" % t, "signal.dct", [rn(2, 5)], {"type": t, "norm": "ortho"})
            case("sig_idct%d_ortho" % t, "signal.idct", [rn(2, 5)], {"type": t, "norm": "ortho"})
    case("sig_dct_n_pad", "signal.dct", [rn(2, 4)], {"n": 6})
    case("sig_dct_n_trunc", "signal.dct", [rn(2, 6)], {"n": 3})
    case("sig_dct_f64", "signal.dct", [rn(5, dtype=F64)])
    case("sig_dct1_ortho_error", "signal.dct", [rn(4)], {"type": 1, "norm": "ortho"})
    case("sig_mdct", "signal.mdct", [rn(2, 16), 8])
    case("sig_mdct_ortho_pad", "signal.mdct", [rn(18), 8], {"pad_end": True, "norm": "ortho"})
    case("sig_inverse_mdct", "signal.inverse_mdct", [rn(3, 4)])
    case("sig_inverse_mdct_ortho", "signal.inverse_mdct", [rn(2, 3, 4)], {"norm": "ortho"})
    case("sig_mel_default", "signal.linear_to_mel_weight_matrix", [])
    case("sig_mel", "signal.linear_to_mel_weight_matrix", [8, 33, 16000, 80.0, 7000.0])
    case("sig_mfccs", "signal.mfccs_from_log_mel_spectrograms", [rn(2, 3, 8)])
    case("sig_fftshift", "signal.fftshift", [rn(5, 4)])
    case("sig_fftshift_axes", "signal.fftshift", [rn(3, 5)], {"axes": 1})
    case("sig_ifftshift", "signal.ifftshift", [rn(5, 4)])


def record_programs():
    """tests/ops/namespace_programs.py under TensorFlow: inputs, value and d value / d input."""
    sys.path.insert(0, os.path.join(R.ROOT, "tests", "ops"))
    from namespace_programs import PROGRAMS
    out = {}
    for name, (shape, fn) in sorted(PROGRAMS.items()):
        rec = {}
        if shape is None:
            rec["value"] = fn(tf, None).numpy().tolist()
        else:
            x = (rng.standard_normal(shape) * 0.7 + (np.eye(*shape[-2:]) if len(shape) > 1 else 0)).astype(F32)
            t = tf.constant(x)
            with tf.GradientTape() as tape:
                tape.watch(t)
                y = fn(tf, t)
            rec["input"] = x.tolist()
            rec["value"] = y.numpy().tolist()
            try:
                rec["grad"] = tape.gradient(y, t).numpy().tolist()
            except LookupError:          # TF has no gradient for this op
                rec["grad_error"] = "LookupError"
        out[name] = rec
    R._atomic_write_bytes(os.path.join(R.OUT_DIR, "namespace_programs.json"),
                          R._json_bytes({"tensorflow": tf.__version__, "programs": out}))


def main():
    for section in (record_linalg, record_nn_extra, record_image, record_signal):
        section()
    record_programs()
    R.write_cases(OUT, verbose="-v" in sys.argv)


if __name__ == "__main__":
    main()
