"""TensorFlow's sub-namespaces (gf.math, gf.nn, gf.random, ...) as plain modules.

Built from the public functions in `ops.api`; no logic of their own.
"""
from __future__ import annotations

import types

from .ops import api
from .ops import random as random_ops
from .ops.api import fft as fft_api
from .ops.api import image as image_api
from .ops.api import image_codecs as image_codecs_api
from .ops.api import io as io_api
from .ops.api import linear_operator, nn_extra
from .ops.api import matrix as matrix_api
from .ops.api import signal as signal_api
from .ops.dropout import dropout


def namespace(name, **members):
    mod = types.ModuleType(f"graphflow.{name}")
    mod.__dict__.update(members)
    return mod


math = namespace(
    "math", **{n: getattr(api, n) for n in (
        "add subtract multiply divide truediv floordiv floormod mod negative abs sign exp expm1 log log1p "
        "sqrt rsqrt square pow maximum minimum sin cos tanh sigmoid erf floor ceil round reciprocal "
        "squared_difference add_n softplus reduce_logsumexp is_nan is_finite equal not_equal less "
        "less_equal greater greater_equal logical_and logical_or logical_not logical_xor argmax argmin "
        "reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_any reduce_all realdiv "
        "floor_div").split()})
math.divide_no_nan = lambda x, y, name=None: api.where(api.equal(y, 0), api.zeros_like(api.multiply(x, y)),
                                                       api.divide(x, api.where(api.equal(y, 0), api.ones_like(y), y)))
math.softmax = api.softmax
math.log_softmax = api.log_softmax

nn = namespace(
    "nn", relu=api.relu, relu6=api.relu6, leaky_relu=api.leaky_relu, elu=api.elu, selu=api.selu,
    gelu=api.gelu, silu=api.silu, swish=api.swish, sigmoid=api.sigmoid, tanh=api.tanh, softplus=api.softplus,
    softmax=api.softmax, log_softmax=api.log_softmax,
    sparse_softmax_cross_entropy_with_logits=api.sparse_softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits=api.softmax_cross_entropy_with_logits,
    sigmoid_cross_entropy_with_logits=api.sigmoid_cross_entropy_with_logits, bias_add=api.bias_add,
    conv2d=api.conv2d, max_pool2d=api.max_pool2d, avg_pool2d=api.avg_pool2d, max_pool=api.max_pool2d,
    avg_pool=api.avg_pool2d, dropout=dropout, l2_loss=api.l2_loss, moments=api.moments)
nn.__dict__.update({n: getattr(nn_extra, n) for n in (
    "atrous_conv2d atrous_conv2d_transpose avg_pool avg_pool1d avg_pool3d batch_norm_with_global_normalization "
    "batch_normalization compute_average_loss conv1d conv1d_transpose conv2d_transpose conv3d conv3d_transpose "
    "conv_transpose convolution crelu depth_to_space depthwise_conv2d depthwise_conv2d_backprop_filter "
    "depthwise_conv2d_backprop_input dilation2d embedding_lookup erosion2d in_top_k local_response_normalization "
    "log_poisson_loss lrn max_pool max_pool1d max_pool3d max_pool_with_argmax normalize_moments pool "
    "scale_regularization_loss separable_conv2d softsign space_to_batch space_to_depth sufficient_statistics "
    "weighted_cross_entropy_with_logits weighted_moments zero_fraction isotonic_regression collapse_repeated "
    "ctc_unique_labels compute_accidental_hits ctc_loss fractional_max_pool "
    "fractional_avg_pool nce_loss sampled_softmax_loss with_space_to_batch").split()})
nn.l2_normalize = matrix_api.l2_normalize

linalg = namespace("linalg", matmul=api.matmul, einsum=api.einsum, tensordot=api.tensordot, eye=api.eye)
linalg.__dict__.update({n: getattr(matrix_api, n) for n in (
    "adjoint band_part banded_triangular_solve cholesky cholesky_solve cross det diag diag_part eigh "
    "eigh_tridiagonal eigvalsh expm global_norm inv l2_normalize logdet lstsq lu lu_matrix_inverse "
    "lu_reconstruct lu_solve matrix_rank matrix_transpose matvec norm normalize pinv qr set_diag slogdet "
    "solve sqrtm svd tensor_diag tensor_diag_part trace triangular_solve tridiagonal_matmul "
    "tridiagonal_solve").split()})
linalg.__dict__.update({n: getattr(linear_operator, n) for n in dir(linear_operator)
                        if n.startswith("LinearOperator")})

random = namespace(
    "random", set_seed=random_ops.set_seed, normal=api.random_normal, uniform=api.random_uniform,
    truncated_normal=api.truncated_normal, shuffle=api.random_shuffle)

debugging = namespace("debugging", check_numerics=api.check_numerics, assert_equal=api.assert_equal,
                      Assert=api.Assert)

image = namespace("image", transpose=image_api.transpose_image, **{n: getattr(image_api, n) for n in (
    "ResizeMethod adjust_brightness adjust_contrast adjust_gamma adjust_hue adjust_saturation central_crop "
    "convert_image_dtype crop_and_resize crop_to_bounding_box draw_bounding_boxes extract_patches flip_left_right "
    "flip_up_down grayscale_to_rgb hsv_to_rgb image_gradients non_max_suppression non_max_suppression_overlaps "
    "non_max_suppression_padded non_max_suppression_with_scores pad_to_bounding_box per_image_standardization "
    "psnr random_brightness random_contrast random_crop random_flip_left_right random_flip_up_down random_hue "
    "random_saturation resize resize_with_crop_or_pad resize_with_pad rgb_to_grayscale rgb_to_hsv rgb_to_yiq "
    "rgb_to_yuv rot90 sobel_edges ssim ssim_multiscale total_variation yiq_to_rgb yuv_to_rgb "
    "combined_non_max_suppression extract_glimpse generate_bounding_box_proposals is_jpeg "
    "sample_distorted_bounding_box stateless_random_brightness "
    "stateless_random_contrast stateless_random_crop "
    "stateless_random_flip_left_right stateless_random_flip_up_down stateless_random_hue "
    "stateless_random_saturation stateless_sample_distorted_bounding_box").split()})
# TF's image codecs are the tf.io functions under a second name
image.__dict__.update({n: getattr(io_api, n) for n in
                       "decode_and_crop_jpeg decode_bmp decode_gif decode_image decode_jpeg decode_png decode_webp "
                       "encode_jpeg encode_png extract_jpeg_shape".split()})
image.__dict__.update({n: getattr(image_codecs_api, n) for n in
                       "adjust_jpeg_quality decode_jxl random_jpeg_quality stateless_random_jpeg_quality".split()})

signal = namespace("signal", **{n: getattr(signal_api, n) for n in (
    "dct fftshift frame hamming_window hann_window idct ifftshift inverse_mdct inverse_stft_window_fn "
    "kaiser_bessel_derived_window kaiser_window linear_to_mel_weight_matrix mdct mfccs_from_log_mel_spectrograms "
    "overlap_and_add vorbis_window").split()})
signal.__dict__.update({n: getattr(fft_api, n) for n in (
    "fft fft2d fft3d ifft ifft2d ifft3d rfft rfft2d rfft3d irfft irfft2d irfft3d fftnd ifftnd rfftnd irfftnd "
    "stft inverse_stft").split()})

# tf.math beyond the basics (ops/api/math_extra.py, segment.py, array_extra.py)
for _n in ("accumulate_n acos acosh angle asin asinh atan atan2 atanh bessel_i0 bessel_i0e bessel_i1 bessel_i1e "
           "betainc bincount complex confusion_matrix conj cosh count_nonzero cumprod cumsum cumulative_logsumexp "
           "digamma "
           "divide_no_nan erfc erfcinv erfinv igamma igammac imag in_top_k invert_permutation is_inf "
           "is_non_decreasing is_strictly_increasing l2_normalize lbeta lgamma log_sigmoid multiply_no_nan ndtri "
           "nextafter polygamma polyval real reciprocal_no_nan reduce_euclidean_norm reduce_std reduce_variance rint "
           "scalar_mul segment_max segment_mean segment_min segment_prod segment_sum sinh softsign tan top_k "
           "unsorted_segment_max unsorted_segment_mean unsorted_segment_min "
           "unsorted_segment_prod unsorted_segment_sqrt_n unsorted_segment_sum xdivy xlog1py xlogy zero_fraction "
           "zeta approx_max_k approx_min_k").split():
    setattr(math, _n, getattr(api, _n))
math.special = namespace(
    "math.special", bessel_i0=api.bessel_i0, bessel_i0e=api.bessel_i0e, bessel_i1=api.bessel_i1,
    bessel_i1e=api.bessel_i1e)

bitwise = namespace("bitwise", bitwise_and=api.bitwise_and, bitwise_or=api.bitwise_or, bitwise_xor=api.bitwise_xor,
                    invert=api.bitwise_invert, left_shift=api.left_shift, right_shift=api.right_shift)

# tf.random beyond the basics (ops/api/random_extra.py, random_generator.py)
from . import random_generator as _random_generator  # noqa: E402
from .ops.api import random_extra as _random_extra  # noqa: E402

for _n in ("Algorithm stateless_uniform stateless_normal stateless_truncated_normal stateless_categorical "
           "stateless_gamma stateless_poisson stateless_binomial stateless_parameterized_truncated_normal "
           "categorical gamma poisson create_rng_state fold_in split uniform_candidate_sampler "
           "log_uniform_candidate_sampler learned_unigram_candidate_sampler fixed_unigram_candidate_sampler "
           "all_candidate_sampler").split():
    setattr(random, _n, getattr(_random_extra, _n))
# tf.nn's candidate samplers are tf.random's very functions, as in TensorFlow (one op serves both)
for _n in "learned_unigram_candidate_sampler fixed_unigram_candidate_sampler all_candidate_sampler".split():
    setattr(nn, _n, getattr(_random_extra, _n))
random.Generator = _random_generator.Generator
random.get_global_generator = _random_generator.get_global_generator
random.set_global_generator = _random_generator.set_global_generator
random.experimental = namespace(
    "random.experimental", Algorithm=_random_extra.Algorithm, Generator=_random_generator.Generator,
    create_rng_state=_random_extra.create_rng_state, get_global_generator=_random_generator.get_global_generator,
    set_global_generator=_random_generator.set_global_generator, stateless_fold_in=_random_extra.fold_in,
    stateless_split=_random_extra.split)

# tf.debugging beyond the basics (ops/api/debugging.py)
from .ops.api import debugging as _debugging  # noqa: E402

for _n in ("assert_all_finite assert_greater assert_greater_equal assert_integer assert_less assert_less_equal "
           "assert_near assert_negative assert_non_negative assert_non_positive assert_none_equal assert_positive "
           "assert_proper_iterable assert_rank assert_rank_at_least assert_rank_in assert_same_float_dtype "
           "assert_scalar assert_shapes assert_type disable_check_numerics enable_check_numerics "
           "get_log_device_placement is_numeric_tensor set_log_device_placement").split():
    setattr(debugging, _n, getattr(_debugging, _n))

# tf.raw_ops (ops/api/raw_ops.py)
from .ops.api import raw_ops as _raw_ops  # noqa: E402

raw_ops = _raw_ops.build(api)
