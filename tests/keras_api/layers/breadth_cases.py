"""The layer cases whose reference outputs come from real Keras 3 (tools/tfref/record_keras_layers.py).

Shared by the recorder (which runs them under TensorFlow) and the layer harness (which runs
them under graphflow): `make(L)` builds the layer from a `layers` namespace, so the same line
builds Keras's layer and ours. Inputs and weights are drawn exactly as the harness draws them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

F64 = {"dtype": "float64"}


@dataclass
class RecordedCase:
    id: str
    make: Callable                  # (layers namespace) -> layer
    input_shape: object             # one sample's shape; a list of shapes for several inputs
    int_input: int = 0              # > 0: integer inputs below this value
    unpack: bool = False            # call layer(*inputs) instead of layer(inputs)
    differentiable: bool = True
    out_dtype: str = "float64"
    tf_float32: bool = False        # TensorFlow lacks the float64 kernel: recorded in float32
    keras_training_false: bool = False   # Keras's layer defaults to training=True: record with False
    float32_math: bool = False      # the layer computes in float32 whatever its dtype (image resizing)


# image resizing computes in float32 whatever the layer's dtype: compared at float32 precision,
# its gradients not by finite differences
RESIZE = {"float32_math": True, "differentiable": False}

CASES = [
    RecordedCase("conv1d_valid", lambda L: L.Conv1D(3, 2, **F64), (5, 2)),
    RecordedCase("conv1d_same_strided", lambda L: L.Conv1D(2, 3, strides=2, padding="same", **F64), (5, 2)),
    RecordedCase("conv1d_causal_dilated",
                 lambda L: L.Conv1D(2, 2, padding="causal", dilation_rate=2, activation="tanh", **F64), (5, 2)),
    RecordedCase("conv3d_valid", lambda L: L.Conv3D(2, 2, **F64), (3, 3, 3, 2)),
    RecordedCase("conv3d_same_strided", lambda L: L.Conv3D(2, (2, 3, 2), strides=2, padding="same", **F64),
                 (3, 4, 3, 1)),
    RecordedCase("conv2d_transpose_valid", lambda L: L.Conv2DTranspose(2, 3, strides=2, **F64), (3, 3, 2)),
    RecordedCase("conv2d_transpose_same", lambda L: L.Conv2DTranspose(2, 3, strides=2, padding="same", **F64),
                 (3, 3, 2)),
    RecordedCase("conv2d_transpose_output_padding",
                 lambda L: L.Conv2DTranspose(2, 2, strides=3, output_padding=1, **F64), (2, 3, 1)),
    RecordedCase("depthwise_conv2d", lambda L: L.DepthwiseConv2D(2, depth_multiplier=2, **F64), (4, 4, 2)),
    RecordedCase("depthwise_conv2d_same_strided",
                 lambda L: L.DepthwiseConv2D(3, strides=2, padding="same", activation="relu", **F64), (4, 4, 3)),
    RecordedCase("separable_conv2d", lambda L: L.SeparableConv2D(3, 2, depth_multiplier=2, **F64), (4, 4, 2)),
    RecordedCase("max_pooling1d", lambda L: L.MaxPooling1D(2, **F64), (5, 2)),
    RecordedCase("average_pooling1d_same", lambda L: L.AveragePooling1D(3, strides=2, padding="same", **F64),
                 (5, 2)),
    RecordedCase("max_pooling3d", lambda L: L.MaxPooling3D(2, **F64), (4, 4, 4, 1), tf_float32=True),
    RecordedCase("average_pooling3d_same", lambda L: L.AveragePooling3D(2, padding="same", **F64), (3, 3, 3, 2),
                 tf_float32=True),
    RecordedCase("global_max_pooling1d", lambda L: L.GlobalMaxPooling1D(**F64), (4, 3)),
    RecordedCase("global_average_pooling1d", lambda L: L.GlobalAveragePooling1D(**F64), (4, 3)),
    RecordedCase("global_max_pooling2d", lambda L: L.GlobalMaxPooling2D(**F64), (3, 3, 2)),
    RecordedCase("global_max_pooling3d", lambda L: L.GlobalMaxPooling3D(**F64), (2, 3, 2, 2)),
    RecordedCase("global_average_pooling3d_keepdims", lambda L: L.GlobalAveragePooling3D(keepdims=True, **F64),
                 (2, 3, 2, 2)),
    RecordedCase("upsampling1d", lambda L: L.UpSampling1D(3, **F64), (2, 2)),
    RecordedCase("upsampling2d", lambda L: L.UpSampling2D((2, 3), **F64), (2, 2, 1)),
    RecordedCase("zero_padding1d", lambda L: L.ZeroPadding1D((1, 2), **F64), (3, 2)),
    RecordedCase("zero_padding2d", lambda L: L.ZeroPadding2D(((1, 0), (2, 1)), **F64), (2, 2, 1)),
    RecordedCase("cropping1d", lambda L: L.Cropping1D((1, 2), **F64), (5, 2)),
    RecordedCase("cropping2d", lambda L: L.Cropping2D(((1, 0), (0, 2)), **F64), (4, 4, 1)),
    RecordedCase("repeat_vector", lambda L: L.RepeatVector(3, **F64), (2,)),
    RecordedCase("permute", lambda L: L.Permute((2, 1), **F64), (3, 2)),
    RecordedCase("rescaling", lambda L: L.Rescaling(0.5, offset=-1.0, **F64), (3,)),
    RecordedCase("relu_layer", lambda L: L.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2, **F64), (5,)),
    RecordedCase("leaky_relu", lambda L: L.LeakyReLU(0.2, **F64), (5,)),
    RecordedCase("prelu", lambda L: L.PReLU(**F64), (3, 2)),
    RecordedCase("prelu_shared_axes", lambda L: L.PReLU(shared_axes=[1], **F64), (3, 2)),
    RecordedCase("elu", lambda L: L.ELU(0.5, **F64), (5,)),
    RecordedCase("softmax_layer", lambda L: L.Softmax(axis=1, **F64), (3, 2)),
    RecordedCase("masking_identity", lambda L: L.Masking(0.0, **F64), (3, 2)),
    RecordedCase("time_distributed_dense", lambda L: L.TimeDistributed(L.Dense(2, **F64), **F64), (3, 4)),
    RecordedCase("bidirectional_lstm", lambda L: L.Bidirectional(L.LSTM(2, **F64), **F64), (3, 2)),
    RecordedCase("bidirectional_gru_sum_sequences",
                 lambda L: L.Bidirectional(L.GRU(2, return_sequences=True, **F64), merge_mode="sum", **F64),
                 (3, 2)),
    RecordedCase("attention_dot", lambda L: L.Attention(**F64), [(2, 3), (4, 3)]),
    RecordedCase("attention_scaled_concat", lambda L: L.Attention(use_scale=True, score_mode="concat", **F64),
                 [(2, 3), (4, 3)]),
    RecordedCase("multi_head_attention_self", lambda L: L.MultiHeadAttention(2, 3, **F64), [(3, 4), (3, 4)],
                 unpack=True),
    RecordedCase("multi_head_attention_cross",
                 lambda L: L.MultiHeadAttention(2, 2, value_dim=3, output_shape=4, **F64), [(3, 4), (2, 5)],
                 unpack=True),
    RecordedCase("normalization", lambda L: L.Normalization(**F64), (3,)),
    RecordedCase("category_encoding_one_hot", lambda L: L.CategoryEncoding(5, output_mode="one_hot", **F64), (),
                 int_input=5),
    RecordedCase("category_encoding_multi_hot", lambda L: L.CategoryEncoding(6, **F64), (3,), int_input=6),
    RecordedCase("category_encoding_count", lambda L: L.CategoryEncoding(4, output_mode="count", **F64), (5,),
                 int_input=4),
    RecordedCase("discretization", lambda L: L.Discretization(bin_boundaries=[-0.5, 0.0, 0.7]), (4,),
                 differentiable=False, out_dtype="int32"),
    RecordedCase("integer_lookup", lambda L: L.IntegerLookup(vocabulary=[3, 1, 4]), (4,), int_input=6,
                 out_dtype="int64"),
    RecordedCase("integer_lookup_mask_token", lambda L: L.IntegerLookup(vocabulary=[3, 1, 4], mask_token=0),
                 (4,), int_input=6, out_dtype="int64"),
    RecordedCase("identity", lambda L: L.Identity(**F64), (3, 2)),
    RecordedCase("gaussian_noise_inference", lambda L: L.GaussianNoise(0.3, seed=1, **F64), (4,)),
    RecordedCase("gaussian_dropout_inference", lambda L: L.GaussianDropout(0.4, **F64), (4,)),
    RecordedCase("alpha_dropout_inference", lambda L: L.AlphaDropout(0.2, noise_shape=(None, 1, 2), **F64),
                 (3, 2)),
    RecordedCase("spatial_dropout1d_inference", lambda L: L.SpatialDropout1D(0.5, **F64), (3, 2)),
    RecordedCase("spatial_dropout2d_inference",
                 lambda L: L.SpatialDropout2D(0.5, data_format="channels_first", **F64), (2, 2, 2)),
    RecordedCase("spatial_dropout3d_inference", lambda L: L.SpatialDropout3D(0.5, **F64), (2, 2, 1, 2)),
    RecordedCase("activity_regularization", lambda L: L.ActivityRegularization(l1=0.1, l2=0.2, **F64), (3,)),
    RecordedCase("dot_last_axis_rank2", lambda L: L.Dot(axes=-1, **F64), [(4,), (4,)]),
    RecordedCase("dot_axes_pair_rank3", lambda L: L.Dot(axes=(1, 2), **F64), [(3, 2), (4, 3)]),
    RecordedCase("dot_normalize_rank2_rank3", lambda L: L.Dot(axes=(1, 2), normalize=True, **F64),
                 [(3,), (2, 3)]),
    RecordedCase("additive_attention", lambda L: L.AdditiveAttention(**F64), [(2, 3), (4, 3)]),
    RecordedCase("additive_attention_unscaled_with_key",
                 lambda L: L.AdditiveAttention(use_scale=False, **F64), [(2, 3), (4, 2), (4, 3)]),
    RecordedCase("unit_normalization", lambda L: L.UnitNormalization(**F64), (3, 4)),
    RecordedCase("unit_normalization_axes", lambda L: L.UnitNormalization(axis=[1, 2], **F64), (3, 4)),
    RecordedCase("group_normalization", lambda L: L.GroupNormalization(groups=2, **F64), (3, 4)),
    RecordedCase("group_normalization_channels_first",
                 lambda L: L.GroupNormalization(groups=3, axis=1, epsilon=0.01, **F64), (6, 2, 2)),
    RecordedCase("group_normalization_instance", lambda L: L.GroupNormalization(groups=-1, center=False, **F64),
                 (3, 2)),
    RecordedCase("rms_normalization", lambda L: L.RMSNormalization(**F64), (3, 4)),
    RecordedCase("rms_normalization_axes", lambda L: L.RMSNormalization(axis=[1, 2], epsilon=0.1, **F64), (3, 2)),
    RecordedCase("einsum_dense_matmul", lambda L: L.EinsumDense("ab,bc->ac", 3, bias_axes="c", **F64), (4,)),
    RecordedCase("einsum_dense_heads_tanh",
                 lambda L: L.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de", activation="tanh", **F64),
                 (3, 4)),
    RecordedCase("einsum_dense_left_ellipsis",
                 lambda L: L.EinsumDense("...b,bc->...c", 2, bias_axes="c", **F64), (3, 2, 4)),
    RecordedCase("einsum_dense_right_ellipsis", lambda L: L.EinsumDense("ab...,bc->ac...", 3, bias_axes="c", **F64),
                 (4, 2)),
    RecordedCase("einsum_dense_no_bias", lambda L: L.EinsumDense("abc,cd->abd", (3, 5), **F64), (3, 2)),
    RecordedCase("resizing_bilinear", lambda L: L.Resizing(3, 5, **F64), (4, 3, 2), **RESIZE),
    RecordedCase("resizing_nearest", lambda L: L.Resizing(2, 5, interpolation="nearest", **F64), (4, 3, 2), **RESIZE),
    RecordedCase("resizing_bicubic_channels_first",
                 lambda L: L.Resizing(3, 2, interpolation="bicubic", data_format="channels_first", **F64), (2, 4, 3),
                 **RESIZE),
    RecordedCase("resizing_crop_to_aspect_ratio", lambda L: L.Resizing(2, 2, crop_to_aspect_ratio=True, **F64),
                 (4, 6, 1), **RESIZE),
    RecordedCase("resizing_pad_to_aspect_ratio",
                 lambda L: L.Resizing(3, 3, pad_to_aspect_ratio=True, fill_value=0.5, **F64), (2, 4, 1), **RESIZE),
    RecordedCase("center_crop", lambda L: L.CenterCrop(2, 3, **F64), (5, 4, 2)),
    RecordedCase("center_crop_upsizes_small_images", lambda L: L.CenterCrop(4, 3, **F64), (3, 4, 1), **RESIZE),
    RecordedCase("random_crop_inference", lambda L: L.RandomCrop(2, 2, **F64), (3, 4, 1),
                 keras_training_false=True),
    RecordedCase("random_brightness_inference", lambda L: L.RandomBrightness(0.3, **F64), (3, 3, 2),
                 keras_training_false=True),
]
