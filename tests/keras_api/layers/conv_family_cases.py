"""Layer cases recorded under real Keras 3 (tools/tfref/record_keras_conv_family.py) and replayed by
test_conv_family_vs_keras.py: the 1-D and 3-D convolution forms, up-sampling, 3-D padding and
cropping and the adaptive poolings. `make(L)` builds the same layer from Keras's namespace or ours.
"""
from __future__ import annotations

import numpy as np
from breadth_cases import RecordedCase

F64 = {"dtype": "float64"}

CASES = [
    RecordedCase("conv1d_transpose_valid", lambda L: L.Conv1DTranspose(2, 3, strides=2, **F64), (4, 2)),
    RecordedCase("conv1d_transpose_same", lambda L: L.Conv1DTranspose(3, 3, strides=2, padding="same", **F64),
                 (4, 2)),
    RecordedCase("conv1d_transpose_output_padding",
                 lambda L: L.Convolution1DTranspose(2, 2, strides=3, output_padding=2, activation="tanh", **F64),
                 (3, 1)),
    RecordedCase("conv1d_transpose_no_bias",
                 lambda L: L.Conv1DTranspose(2, 3, padding="same", use_bias=False, **F64), (5, 2)),
    RecordedCase("separable_conv1d", lambda L: L.SeparableConv1D(3, 2, depth_multiplier=2, **F64), (5, 2)),
    RecordedCase("separable_conv1d_same_strided",
                 lambda L: L.SeparableConvolution1D(2, 3, strides=2, padding="same", activation="relu", **F64),
                 (5, 3)),
    RecordedCase("separable_conv1d_dilated", lambda L: L.SeparableConv1D(2, 2, dilation_rate=2, **F64), (6, 2)),
    RecordedCase("depthwise_conv1d", lambda L: L.DepthwiseConv1D(2, depth_multiplier=2, **F64), (5, 2)),
    RecordedCase("depthwise_conv1d_same_strided",
                 lambda L: L.DepthwiseConv1D(3, strides=2, padding="same", use_bias=False, **F64), (5, 3)),
    RecordedCase("depthwise_conv1d_dilated_same",
                 lambda L: L.DepthwiseConv1D(2, padding="same", dilation_rate=2, **F64), (5, 2)),
    RecordedCase("depthwise_conv2d_names", lambda L: L.DepthwiseConv2D(2, depth_multiplier=2, **F64), (3, 3, 2)),
    RecordedCase("conv3d_transpose_valid", lambda L: L.Conv3DTranspose(2, 2, strides=2, **F64), (2, 2, 2, 2)),
    RecordedCase("conv3d_transpose_same",
                 lambda L: L.Convolution3DTranspose(2, (3, 2, 3), strides=(2, 1, 2), padding="same", **F64),
                 (2, 3, 2, 1)),
    RecordedCase("conv3d_transpose_output_padding",
                 lambda L: L.Conv3DTranspose(1, 2, strides=3, output_padding=(2, 1, 0), **F64), (2, 1, 2, 2)),
    RecordedCase("conv3d_transpose_valid_unit_stride", lambda L: L.Conv3DTranspose(2, (2, 1, 2), **F64),
                 (3, 2, 3, 1)),
    RecordedCase("upsampling2d_bilinear", lambda L: L.UpSampling2D((2, 3), interpolation="bilinear", **F64),
                 (2, 3, 2)),
    RecordedCase("upsampling2d_bicubic", lambda L: L.UpSampling2D(2, interpolation="bicubic", **F64), (3, 2, 1)),
    RecordedCase("upsampling2d_lanczos3", lambda L: L.UpSampling2D(2, interpolation="lanczos3", **F64), (3, 3, 1)),
    RecordedCase("upsampling2d_lanczos5", lambda L: L.UpSampling2D((3, 2), interpolation="lanczos5", **F64),
                 (2, 3, 1)),
    RecordedCase("upsampling2d_area", lambda L: L.UpSampling2D(2, interpolation="area", **F64), (2, 2, 2)),
    RecordedCase("upsampling3d", lambda L: L.UpSampling3D((2, 1, 3), **F64), (2, 2, 1, 2)),
    RecordedCase("zero_padding3d", lambda L: L.ZeroPadding3D(((1, 0), (0, 2), (1, 1)), **F64), (2, 1, 2, 1)),
    RecordedCase("zero_padding3d_default", lambda L: L.ZeroPadding3D(**F64), (1, 2, 1, 2)),
    RecordedCase("cropping3d", lambda L: L.Cropping3D(((1, 0), (0, 1), (1, 1)), **F64), (3, 3, 4, 1)),
    RecordedCase("cropping3d_int", lambda L: L.Cropping3D(1, **F64), (3, 3, 3, 2)),
    RecordedCase("adaptive_average_pooling1d", lambda L: L.AdaptiveAveragePooling1D(3, **F64), (7, 2)),
    RecordedCase("adaptive_max_pooling1d_up", lambda L: L.AdaptiveMaxPooling1D(5, **F64), (3, 2)),
    RecordedCase("adaptive_average_pooling2d", lambda L: L.AdaptiveAveragePooling2D((2, 3), **F64), (5, 4, 2)),
    RecordedCase("adaptive_max_pooling2d", lambda L: L.AdaptiveMaxPooling2D(2, **F64), (5, 3, 1)),
    RecordedCase("adaptive_average_pooling3d", lambda L: L.AdaptiveAveragePooling3D((2, 1, 3), **F64),
                 (3, 2, 4, 1), tf_float32=True),
    RecordedCase("adaptive_max_pooling3d", lambda L: L.AdaptiveMaxPooling3D([1, 2, 2], **F64), (2, 3, 5, 2),
                 tf_float32=True),
]
# (TensorFlow's CPU kernels refuse dilated transposed convolutions, so none is recorded; TensorFlow has no
# gradient for area resizing, so upsampling2d_area is not a fit case)

# trained one SGD epoch in a compiled fit step (Dense over the channels -> layer -> Flatten -> Dense(1), so
# gradients flow through the layer even when it has no weights), loss and weights compared with Keras's
# One fit epoch per gradient path (the suite's 10-minute budget: each costs ~2.4 s of cold compiles);
# the other recorded cases keep their forward, config and weight checks, and tools/tfref records
# every case's fit numbers.
FIT_CASES = ["conv1d_transpose_output_padding", "separable_conv1d_same_strided", "depthwise_conv1d_dilated_same",
             "conv3d_transpose_same", "upsampling2d_bilinear", "upsampling3d", "adaptive_max_pooling2d"]
# saved by Keras as a whole .keras model (the fit model) that graphflow loads
KERAS_FILE_CASE = "conv1d_transpose_same"
# computed in float32 on both sides (image resizing, as tf.image.resize), or recorded in float32 because
# TensorFlow lacks the float64 kernel (3-D pools): compared to float32 precision
FLOAT32_MATH = {c.id for c in CASES if c.id.startswith("upsampling2d_") or c.tf_float32}


def fit_model(keras, case):
    """The fit cases' model, built by `keras` (Keras's module or gf.keras) with seeded weights."""
    L = keras.layers
    inputs = keras.Input(case.input_shape, dtype="float64")
    mixed = L.Dense(case.input_shape[-1], dtype="float64")(inputs)
    out = L.Flatten(dtype="float64")(case.make(L)(mixed))
    model = keras.Model(inputs, L.Dense(1, dtype="float64")(out))
    rng = np.random.default_rng(4)
    model.set_weights([0.3 * rng.standard_normal(w.shape) for w in model.weights])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def fit_data(case):
    rng = np.random.default_rng(5)
    return rng.standard_normal((4,) + tuple(case.input_shape)), rng.standard_normal((4, 1))
