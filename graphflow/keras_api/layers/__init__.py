"""gf.keras.layers: the layer classes (and `Input`)."""
from .base import Layer
from .conv import Conv2D
from .core import Activation, Dense, Dropout, Embedding, Flatten, Input, InputLayer, Lambda, Reshape
from .merge import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add, concatenate
from .normalization import BatchNormalization, LayerNormalization
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
from .recurrent import GRU, LSTM, SimpleRNN

Convolution2D = Conv2D

__all__ = ["Layer", "Conv2D", "Convolution2D", "Activation", "Dense", "Dropout", "Embedding", "Flatten", "Input",
           "InputLayer", "Lambda", "Reshape", "Add", "Average", "Concatenate", "Maximum", "Minimum", "Multiply",
           "Subtract", "add", "concatenate", "BatchNormalization", "LayerNormalization", "AveragePooling2D",
           "AvgPool2D", "GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPool2D", "GlobalMaxPooling2D",
           "MaxPool2D", "MaxPooling2D", "GRU", "LSTM", "SimpleRNN"]
