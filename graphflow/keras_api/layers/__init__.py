"""gf.keras.layers: the layer classes (and `Input`)."""
from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .adaptive_pooling import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
)
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .base import Layer
from .conv import Conv2D
from .conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from .conv_nd import (
    Conv1D,
    Conv1DTranspose,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    Convolution1D,
    Convolution1DTranspose,
    Convolution2DTranspose,
    Convolution3D,
    Convolution3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)
from .core import Activation, Dense, Dropout, Embedding, Flatten, Input, InputLayer, Lambda, Reshape
from .einsum_dense import EinsumDense
from .input_spec import InputSpec
from .mask_layers import Masking
from .merge import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    RMSNormalization,
    UnitNormalization,
)
from .pooling import (
    AveragePooling2D,
    AvgPool2D,
    GlobalAveragePooling2D,
    GlobalAvgPool2D,
    GlobalMaxPool2D,
    GlobalMaxPooling2D,
    MaxPool2D,
    MaxPooling2D,
)
from .pooling_nd import (
    AveragePooling1D,
    AveragePooling3D,
    AvgPool1D,
    AvgPool3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling3D,
    MaxPool1D,
    MaxPool3D,
    MaxPooling1D,
    MaxPooling3D,
)
from .preprocessing.augmentation import (
    RandomBrightness,
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
)
from .preprocessing.categorical import CategoryEncoding, Discretization, IntegerLookup
from .preprocessing.hashing import Hashing
from .preprocessing.image_resizing import CenterCrop, RandomCrop, Resizing
from .preprocessing.numeric import Normalization, Rescaling
from .preprocessing.text import StringLookup, TextVectorization
from .recurrent import GRU, LSTM, SimpleRNN
from .regularization import (
    ActivityRegularization,
    AlphaDropout,
    GaussianDropout,
    GaussianNoise,
    Identity,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from .reshaping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    Permute,
    RepeatVector,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from .rnn import RNN
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from .wrappers import Bidirectional, TimeDistributed

Convolution2D = Conv2D

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "Attention", "MultiHeadAttention", "Layer", "Conv2D",
           "Conv1D", "Conv2DTranspose", "Conv3D", "Convolution1D", "Convolution2DTranspose", "Convolution3D",
           "DepthwiseConv2D", "SeparableConv2D", "SeparableConvolution2D", "Conv1DTranspose", "Conv3DTranspose",
           "Convolution1DTranspose", "Convolution3DTranspose", "DepthwiseConv1D", "SeparableConv1D",
           "SeparableConvolution1D", "Activation", "Dense", "Dropout",
           "Embedding", "Flatten", "Input", "InputLayer", "Lambda", "Reshape", "Masking", "Add", "Average",
           "Concatenate", "Maximum", "Minimum", "Multiply", "Subtract", "add", "average", "concatenate", "maximum",
           "minimum", "multiply", "subtract", "BatchNormalization", "LayerNormalization", "AveragePooling2D",
           "AvgPool2D", "GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPool2D", "GlobalMaxPooling2D",
           "MaxPool2D", "MaxPooling2D", "AveragePooling1D", "AveragePooling3D", "AvgPool1D", "AvgPool3D",
           "GlobalAveragePooling1D", "GlobalAveragePooling3D", "GlobalAvgPool1D", "GlobalAvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool3D", "GlobalMaxPooling1D", "GlobalMaxPooling3D", "MaxPool1D",
           "MaxPool3D", "MaxPooling1D", "MaxPooling3D", "RandomContrast", "RandomFlip",
           "RandomRotation", "RandomTranslation", "RandomZoom", "CategoryEncoding", "Discretization", "IntegerLookup",
           "StringLookup", "TextVectorization",
           "Normalization", "Rescaling", "GRU", "LSTM", "SimpleRNN", "RNN", "GRUCell", "LSTMCell", "SimpleRNNCell",
           "StackedRNNCells", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Cropping1D", "Cropping2D", "Permute",
           "RepeatVector", "UpSampling1D", "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D", "Bidirectional",
           "TimeDistributed", "Convolution2D", "InputSpec", "ActivityRegularization", "AlphaDropout",
           "GaussianDropout", "GaussianNoise", "Identity", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
           "AdditiveAttention", "Dot", "dot", "GroupNormalization", "RMSNormalization", "UnitNormalization",
           "EinsumDense", "RandomBrightness", "CenterCrop", "RandomCrop", "Resizing", "Hashing",
           "Cropping3D", "UpSampling3D", "ZeroPadding3D", "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D",
           "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"]
