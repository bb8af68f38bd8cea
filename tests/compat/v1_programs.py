"""TF1 programs, each written against a `tf` module (TensorFlow's or graphflow's compat.v1).

tools/tfref/record_compat_v1.py runs every program under TensorFlow 2.21
(`tensorflow.compat.v1` with v2 behaviour disabled) and stores what it returns in
tests/data/compat_v1/; tests/compat/ runs the same programs on `graphflow.compat.v1` and
compares. Programs return a flat dict of name -> numpy value (or str/int/float/list); weights
are set by constant initializers or seeded numpy arrays, since the two RNG streams differ.
Plain numpy only: no TensorFlow import here.
"""
from __future__ import annotations

import numpy as np

PROGRAMS = {}


def program(fn):
    PROGRAMS[fn.__name__] = fn
    return fn


def _arrays(seed, *shapes):
    rng = np.random.RandomState(seed)
    return [rng.uniform(-0.5, 0.5, s).astype(np.float32) for s in shapes]


def _run_named(sess, tf):
    return {v.name: sess.run(v) for v in tf.global_variables()}


# ---- whole training programs ------------------------------------------------------------------------

@program
def cnn_adam_exponential_decay(tf):
    """conv2d -> max_pool -> batch_norm -> flatten -> dense -> dropout -> dense, Adam, decayed lr."""
    rng = np.random.RandomState(0)
    x_data = rng.randn(8, 6, 6, 1).astype(np.float32)
    y_data = rng.randint(0, 3, 8).astype(np.int64)
    w_conv, w1, w2 = _arrays(1, (3, 3, 1, 4), (36, 8), (8, 3))
    out = {}
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 6, 6, 1], name="x")
        y = tf.placeholder(tf.int64, [None], name="y")
        training = tf.placeholder_with_default(False, [], name="training")
        with tf.variable_scope("model"):
            h = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu,
                                 kernel_initializer=tf.constant_initializer(w_conv),
                                 bias_initializer=tf.zeros_initializer())
            h = tf.layers.max_pooling2d(h, 2, 2)
            h = tf.layers.batch_normalization(h, training=training)
            h = tf.layers.flatten(h)
            h = tf.layers.dense(h, 8, activation=tf.nn.tanh, kernel_initializer=tf.constant_initializer(w1))
            h = tf.layers.dropout(h, rate=0.5, training=False)
            logits = tf.layers.dense(h, 3, kernel_initializer=tf.constant_initializer(w2), name="logits")
        loss = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
        global_step = tf.train.get_or_create_global_step()
        lr = tf.train.exponential_decay(0.01, global_step, 2, 0.9, staircase=True)
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = tf.train.AdamOptimizer(lr).minimize(loss, global_step=global_step)
        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            sess.run(init)
            out["losses"] = [float(sess.run([loss, train_op], {x: x_data, y: y_data, training: True})[0])
                             for _ in range(5)]
            out["eval_loss"] = float(sess.run(loss, {x: x_data, y: y_data}))
            out["lr"] = float(sess.run(lr))
            out.update(_run_named(sess, tf))
        out["trainable"] = sorted(v.name for v in tf.trainable_variables())
        out["update_ops"] = len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
    return out


def _tower(tf, x, sizes, weights):
    h = x
    for i, (n, w) in enumerate(zip(sizes, weights)):
        with tf.variable_scope(f"layer{i}"):
            kernel = tf.get_variable("w", initializer=tf.constant(w))
            bias = tf.get_variable("b", [n], initializer=tf.constant_initializer(0.1))
            h = tf.matmul(h, kernel) + bias
            if i < len(sizes) - 1:
                h = tf.nn.relu(h)
    return h


@program
def mlp_momentum_shared_towers(tf):
    """get_variable with reuse (a train tower and an eval tower), mse loss, Nesterov momentum."""
    rng = np.random.RandomState(2)
    x_data = rng.randn(6, 4).astype(np.float32)
    y_data = rng.randn(6, 2).astype(np.float32)
    w1, w2 = _arrays(3, (4, 5), (5, 2))
    out = {}
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4])
        y = tf.placeholder(tf.float32, [None, 2])
        with tf.variable_scope("net"):
            pred = _tower(tf, x, [5, 2], [w1, w2])
        with tf.variable_scope("net", reuse=True):
            eval_pred = _tower(tf, x * 0.5, [5, 2], [w1, w2])
        loss = tf.losses.mean_squared_error(labels=y, predictions=pred)
        reg = 0.01 * tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables("net") if "w" in v.name])
        total = loss + reg
        global_step = tf.train.get_or_create_global_step()
        lr = tf.train.piecewise_constant(global_step, [2, 4], [0.1, 0.05, 0.01])
        opt = tf.train.MomentumOptimizer(lr, 0.9, use_nesterov=True)
        train_op = opt.minimize(total, global_step=global_step, var_list=tf.trainable_variables("net"))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["losses"] = [float(sess.run([total, train_op], {x: x_data, y: y_data})[0]) for _ in range(6)]
            out["eval_pred"] = sess.run(eval_pred, {x: x_data})
            out["step"] = int(sess.run(global_step))
            out.update(_run_named(sess, tf))
        out["slot_names"] = sorted(opt.get_slot_names())
    return out


# ---- optimizers, one at a time ----------------------------------------------------------------------

OPTIMIZERS = {
    "gd": lambda tf: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda tf: tf.train.MomentumOptimizer(0.05, 0.9),
    "adam": lambda tf: tf.train.AdamOptimizer(0.02, beta1=0.8, beta2=0.95, epsilon=1e-6),
    "rmsprop": lambda tf: tf.train.RMSPropOptimizer(0.01),
    "rmsprop_momentum_centered": lambda tf: tf.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5,
                                                                      epsilon=1e-5, centered=True),
    "adagrad": lambda tf: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.2),
    "adadelta": lambda tf: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
    "ftrl": lambda tf: tf.train.FtrlOptimizer(0.1),
    "ftrl_l1_l2": lambda tf: tf.train.FtrlOptimizer(0.2, learning_rate_power=-0.6, initial_accumulator_value=0.3,
                                                    l1_regularization_strength=0.01,
                                                    l2_regularization_strength=0.02),
    "proximal_gd": lambda tf: tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.05,
                                                                        l2_regularization_strength=0.1),
    "proximal_adagrad": lambda tf: tf.train.ProximalAdagradOptimizer(0.2, l1_regularization_strength=0.02,
                                                                     l2_regularization_strength=0.05),
}


def _optimizer_program(kind):
    def run(tf):
        w0, b0 = _arrays(4, (3, 2), (2,))
        rng = np.random.RandomState(5)
        x_data = rng.randn(5, 3).astype(np.float32)
        t_data = rng.randn(5, 2).astype(np.float32)
        out = {}
        with tf.Graph().as_default():
            w = tf.Variable(w0, name="w")
            b = tf.get_variable("b", initializer=tf.constant(b0))
            loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(x_data), w) + b - t_data))
            opt = OPTIMIZERS[kind](tf)
            grads_and_vars = opt.compute_gradients(loss)
            train_op = opt.apply_gradients(grads_and_vars)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                out["losses"] = [float(sess.run([loss, train_op])[0]) for _ in range(5)]
                out["w"], out["b"] = sess.run([w, b])
                out["variables"] = sorted(v.name for v in tf.global_variables())
        return out
    run.__name__ = f"optimizer_{kind}"
    return run


for _kind in OPTIMIZERS:
    program(_optimizer_program(_kind))


@program
def decay_schedules(tf):
    out = {}
    with tf.Graph().as_default():
        step = tf.placeholder(tf.int64, [])
        schedules = {
            "exponential": tf.train.exponential_decay(0.1, step, 3, 0.5),
            "exponential_staircase": tf.train.exponential_decay(0.1, step, 3, 0.5, staircase=True),
            "polynomial": tf.train.polynomial_decay(0.1, step, 8, end_learning_rate=0.01, power=2.0),
            "polynomial_cycle": tf.train.polynomial_decay(0.1, step, 4, end_learning_rate=0.01, cycle=True),
            "piecewise": tf.train.piecewise_constant(step, [3, 6], [1.0, 0.5, 0.1]),
            "cosine": tf.train.cosine_decay(0.1, step, 8, alpha=0.1),
            "inverse_time": tf.train.inverse_time_decay(0.1, step, 2, 0.5),
            "inverse_time_staircase": tf.train.inverse_time_decay(0.1, step, 2, 0.5, staircase=True),
            "natural_exp": tf.train.natural_exp_decay(0.1, step, 2, 0.5),
            "natural_exp_staircase": tf.train.natural_exp_decay(0.1, step, 2, 0.5, staircase=True),
            "cosine_restarts": tf.train.cosine_decay_restarts(0.1, step, 2, t_mul=2.0, m_mul=0.5, alpha=0.1),
            "cosine_restarts_t1": tf.train.cosine_decay_restarts(0.1, step, 3, t_mul=1.0),
            "linear_cosine": tf.train.linear_cosine_decay(0.1, step, 8, num_periods=1.0, alpha=0.1, beta=0.01),
        }
        with tf.Session() as sess:
            for name, lr in schedules.items():
                out[name] = [float(sess.run(lr, {step: s})) for s in range(11)]
    return out


@program
def exponential_moving_average(tf):
    out = {}
    with tf.Graph().as_default():
        w = tf.Variable([1.0, 2.0], name="w")
        b = tf.Variable(3.0, name="b")
        step = tf.train.get_or_create_global_step()
        ema = tf.train.ExponentialMovingAverage(0.9, num_updates=step)
        maintain = ema.apply([w, b])
        move = tf.group(w.assign_add([1.0, -1.0]), b.assign(b * 2.0), step.assign_add(1))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(4):
                sess.run(move)
                sess.run(maintain)
                out[f"avg_w_{i}"], out[f"avg_b_{i}"] = sess.run([ema.average(w), ema.average(b)])
        out["average_name"] = ema.average_name(w)
        out["avg_var_name"] = ema.average(w).name
        out["moving_average_vars"] = sorted(v.name for v in tf.moving_average_variables())
    return out


# ---- losses --------------------------------------------------------------------------------------------

def _loss_inputs():
    rng = np.random.RandomState(6)
    logits = rng.randn(4, 3).astype(np.float32)
    labels_sparse = np.array([0, 2, 1, 2], np.int32)
    onehot = np.eye(3, dtype=np.float32)[labels_sparse]
    probs = 1.0 / (1.0 + np.exp(-logits))
    binary = (rng.uniform(size=(4, 3)) > 0.5).astype(np.float32)
    target = rng.randn(4, 3).astype(np.float32)
    return logits, labels_sparse, onehot, probs, binary, target


@program
def losses_with_weights_and_reductions(tf):
    logits, labels_sparse, onehot, probs, binary, target = _loss_inputs()
    per_sample = np.array([1.0, 0.0, 2.0, 0.5], np.float32)
    weights = {"scalar": 2.0, "per_sample": per_sample, "column": per_sample[:, None],
               "full": np.abs(target)}
    R = tf.losses.Reduction
    reductions = {"none": R.NONE, "sum": R.SUM, "mean": R.MEAN, "batch": R.SUM_OVER_BATCH_SIZE,
                  "nonzero": R.SUM_BY_NONZERO_WEIGHTS, "nonzero_default": None}
    out = {}
    with tf.Graph().as_default():
        def each(kind, fn, weight_kinds):
            for wk in weight_kinds:
                for rk, red in reductions.items():
                    kw = {} if red is None else {"reduction": red}
                    out[f"{kind}/{wk}/{rk}"] = fn(weights[wk], kw)

        elementwise = ("scalar", "column", "full")
        each("mse", lambda w, kw: tf.losses.mean_squared_error(target, logits, weights=w, **kw), elementwise)
        each("absolute", lambda w, kw: tf.losses.absolute_difference(target, logits, weights=w, **kw),
             elementwise)
        each("huber", lambda w, kw: tf.losses.huber_loss(target, logits, weights=w, delta=0.7, **kw), elementwise)
        each("log_loss", lambda w, kw: tf.losses.log_loss(binary, probs, weights=w, **kw), elementwise)
        each("sigmoid", lambda w, kw: tf.losses.sigmoid_cross_entropy(binary, logits, weights=w,
                                                                      label_smoothing=0.1, **kw), elementwise)
        each("softmax", lambda w, kw: tf.losses.softmax_cross_entropy(onehot, logits, weights=w,
                                                                      label_smoothing=0.2, **kw),
             ("scalar", "per_sample"))
        each("sparse", lambda w, kw: tf.losses.sparse_softmax_cross_entropy(labels_sparse, logits, weights=w, **kw),
             ("scalar", "per_sample"))
        out["cosine"] = tf.losses.cosine_distance(tf.nn.l2_normalize(target, 1), tf.nn.l2_normalize(logits, 1),
                                                  axis=1)
        out["hinge"] = tf.losses.hinge_loss(binary, logits)
        n_losses = len(tf.get_collection(tf.GraphKeys.LOSSES))
        with tf.Session() as sess:
            names = sorted(k for k in out if not isinstance(out[k], (int, float)))
            values = sess.run([out[k] for k in names])
        out = dict(zip(names, values))
        out["n_losses"] = n_losses
    return out


@program
def losses_collection_and_total(tf):
    logits, labels_sparse, onehot, probs, binary, target = _loss_inputs()
    out = {}
    with tf.Graph().as_default():
        tf.losses.mean_squared_error(target, logits)
        tf.losses.absolute_difference(target, logits, reduction=tf.losses.Reduction.SUM)
        tf.losses.mean_squared_error(target, logits, loss_collection=None)
        tf.losses.add_loss(tf.constant(0.5))
        w = tf.get_variable("w", initializer=tf.constant([1.0, -2.0]))
        tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, 0.1 * tf.reduce_sum(tf.square(w)))
        total = tf.losses.get_total_loss()
        total_no_reg = tf.losses.get_total_loss(add_regularization_losses=False)
        reg = tf.losses.get_regularization_loss()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["total"], out["total_no_reg"], out["reg"] = sess.run([total, total_no_reg, reg])
        out["n_losses"] = len(tf.losses.get_losses())
        out["n_regularization"] = len(tf.losses.get_regularization_losses())
    return out


# ---- nn v1 signatures -------------------------------------------------------------------------------

@program
def nn_v1_signatures(tf):
    logits, labels_sparse, onehot, probs, binary, target = _loss_inputs()
    rng = np.random.RandomState(7)
    img = rng.randn(2, 5, 5, 2).astype(np.float32)
    filt = rng.randn(3, 3, 2, 3).astype(np.float32)
    out = {}
    with tf.Graph().as_default():
        keep = tf.placeholder(tf.float32, [])
        rate = tf.placeholder(tf.float32, [])
        ops = {
            "softmax_dim0": tf.nn.softmax(logits, dim=0),
            "softmax_axis": tf.nn.softmax(logits, axis=1),
            "log_softmax_dim0": tf.nn.log_softmax(logits, dim=0),
            "xent": tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=logits),
            "xent_dim0": tf.nn.softmax_cross_entropy_with_logits(labels=onehot.T, logits=logits.T, dim=0),
            "xent_v2": tf.nn.softmax_cross_entropy_with_logits_v2(labels=onehot, logits=logits),
            "sparse_xent": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels_sparse, logits=logits),
            "sigmoid_xent": tf.nn.sigmoid_cross_entropy_with_logits(labels=binary, logits=logits),
            "weighted_xent": tf.nn.weighted_cross_entropy_with_logits(labels=binary, logits=logits, pos_weight=2.0),
            "l2_normalize_dim": tf.nn.l2_normalize(logits, dim=1),
            "l2_normalize_axis": tf.nn.l2_normalize(logits, axis=0),
            "moments_keep_dims": tf.nn.moments(logits, [0], keep_dims=True),
            "conv2d_v1": tf.nn.conv2d(img, filter=filt, strides=[1, 1, 1, 1], padding="SAME", use_cudnn_on_gpu=True),
            "max_pool_v1": tf.nn.max_pool(value=img, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID"),
            "avg_pool_v1": tf.nn.avg_pool(value=img, ksize=[1, 2, 2, 1], strides=[1, 1, 1, 1], padding="SAME"),
            "xw_plus_b": tf.nn.xw_plus_b(target, logits.T, np.arange(4, dtype=np.float32)),
            "relu_layer": tf.nn.relu_layer(target, logits.T, np.arange(4, dtype=np.float32)),
            "bias_add": tf.nn.bias_add(logits, [1.0, 2.0, 3.0]),
            "embedding_lookup": tf.nn.embedding_lookup(logits, [2, 0, 2]),
            "in_top_k": tf.nn.in_top_k(logits, labels_sparse, 2),
            "dropout_keep_one": tf.nn.dropout(logits, keep_prob=1.0),
            "dropout_keep_fed": tf.nn.dropout(logits, keep_prob=keep),
            "dropout_rate_fed": tf.nn.dropout(logits, rate=rate),
            "relu6": tf.nn.relu6(logits * 4),
            "sufficient_statistics": tf.nn.sufficient_statistics(logits, [0])[:3],
            "normalize_moments": tf.nn.normalize_moments(4.0, logits[0], logits[1] ** 2, None),
            "batch_normalization": tf.nn.batch_normalization(logits, 0.1, 2.0, 0.5, 1.5, 1e-3),
            "fused_batch_norm": tf.nn.fused_batch_norm(img, [1.0, 2.0], [0.5, -0.5], epsilon=1e-3)[0],
        }
        with tf.Session() as sess:
            names = sorted(ops)
            values = sess.run([ops[k] for k in names], {keep: 1.0, rate: 0.0})
            out.update(zip(names, values))
            dropped = sess.run(tf.nn.dropout(tf.ones([200, 50]), keep_prob=keep), {keep: 0.5})
            out["dropout_half_values"] = sorted(set(np.unique(dropped).tolist()))
            out["dropout_half_zero_fraction_near"] = bool(abs((dropped == 0).mean() - 0.5) < 0.05)
    for k in ("moments_keep_dims", "sufficient_statistics", "normalize_moments"):
        for i, v in enumerate(out.pop(k)):
            out[f"{k}/{i}"] = v
    return out


# ---- tf.layers -------------------------------------------------------------------------------------

@program
def layers_forward_and_names(tf):
    rng = np.random.RandomState(8)
    img = rng.randn(2, 6, 6, 3).astype(np.float32)
    wk, = _arrays(9, (2, 2, 3, 4))
    out = {}
    with tf.Graph().as_default():
        x = tf.constant(img)
        training = tf.placeholder(tf.bool, [])
        c = tf.layers.conv2d(x, 4, (2, 2), strides=(1, 1), padding="valid",
                             kernel_initializer=tf.constant_initializer(wk),
                             bias_initializer=tf.constant_initializer(0.5), name="conv")
        p = tf.layers.max_pooling2d(c, pool_size=2, strides=2, padding="same")
        a = tf.layers.average_pooling2d(c, 3, 1)
        bn = tf.layers.batch_normalization(c, momentum=0.5, epsilon=1e-2, training=training)
        flat = tf.layers.flatten(p)
        d = tf.layers.dense(flat, 3, use_bias=False, kernel_initializer=tf.ones_initializer())
        d2 = tf.layers.dense(flat, 2, activation=tf.nn.sigmoid, kernel_initializer=tf.constant_initializer(0.01),
                             bias_initializer=tf.constant_initializer([0.1, -0.1]))
        drop = tf.layers.dropout(d, rate=0.3, training=False)
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for name, t in (("conv", c), ("max_pool", p), ("avg_pool", a), ("flatten", flat), ("dense", d),
                            ("dense_sigmoid", d2), ("dropout_eval", drop)):
                out[name] = sess.run(t)
            out["bn_train"] = sess.run(bn, {training: True})
            sess.run(update_ops, {training: True})
            out["bn_eval"] = sess.run(bn, {training: False})
            out.update(_run_named(sess, tf))
        out["update_ops"] = len(update_ops)
        out["trainable"] = sorted(v.name for v in tf.trainable_variables())
        out["shapes"] = [t.shape.as_list() for t in (c, p, a, flat, d)]
    return out


# ---- variable scopes -------------------------------------------------------------------------------

@program
def variable_scope_names_and_reuse(tf):
    out = {}
    with tf.Graph().as_default():
        with tf.variable_scope("outer"):
            with tf.variable_scope("inner"):
                v1 = tf.get_variable("v", [2], initializer=tf.zeros_initializer())
            with tf.name_scope("ns"):
                v2 = tf.get_variable("u", [1], initializer=tf.ones_initializer())
                plain = tf.Variable(1.0, name="plain")
                op = tf.add(v2, 1.0, name="added")
            out["scope_name"] = tf.get_variable_scope().name
        with tf.variable_scope("outer", reuse=True):
            out["same_v"] = tf.get_variable("inner/v") is v1
        with tf.variable_scope("outer/inner", reuse=tf.AUTO_REUSE):
            out["auto_same"] = tf.get_variable("v", [2]) is v1
            fresh = tf.get_variable("w", [3], initializer=tf.constant_initializer(2.0))
        with tf.variable_scope(None, default_name="block"):
            b1 = tf.get_variable("k", [1])
        with tf.variable_scope(None, default_name="block"):
            b2 = tf.get_variable("k", [1])
        with tf.variable_scope("outer") as scope:
            pass
        with tf.variable_scope(scope, reuse=True):
            out["scope_object_same"] = tf.get_variable("u") is v2
        with tf.variable_scope("tied") as tied:
            t1 = tf.get_variable("t", [1])
            tied.reuse_variables()
            out["reuse_variables_same"] = tf.get_variable("t") is t1
        errors = {}
        try:
            with tf.variable_scope("outer"):
                tf.get_variable("u", [1])
        except ValueError:
            errors["duplicate"] = "ValueError"
        try:
            with tf.variable_scope("nowhere", reuse=True):
                tf.get_variable("missing", [1])
        except ValueError:
            errors["missing_with_reuse"] = "ValueError"
        try:
            with tf.variable_scope("outer", reuse=True):
                tf.get_variable("inner/v", [3])
        except ValueError:
            errors["shape_mismatch"] = "ValueError"
        out["errors"] = sorted(errors.items())
        out["names"] = [v.name for v in (v1, v2, plain, fresh, b1, b2, t1)]
        out["op_name"] = op.name
        out["global"] = sorted(v.name for v in tf.global_variables())
        out["trainable_outer"] = sorted(v.name for v in tf.trainable_variables("outer"))
        out["collection_scope"] = sorted(v.name for v in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES,
                                                                            scope="outer/inner"))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["fresh"] = sess.run(fresh)
    return out


# ---- initializers -------------------------------------------------------------------------------------

INITIALIZERS = {
    "zeros": lambda tf: tf.zeros_initializer(),
    "ones": lambda tf: tf.ones_initializer(),
    "constant_scalar": lambda tf: tf.constant_initializer(0.25),
    "constant_list": lambda tf: tf.constant_initializer(list(range(12))),
    "random_normal": lambda tf: tf.random_normal_initializer(0.5, 0.2, seed=1),
    "random_uniform": lambda tf: tf.random_uniform_initializer(-0.3, 0.7, seed=1),
    "truncated_normal": lambda tf: tf.truncated_normal_initializer(0.0, 0.5, seed=1),
    "glorot_uniform": lambda tf: tf.glorot_uniform_initializer(seed=1),
    "glorot_normal": lambda tf: tf.glorot_normal_initializer(seed=1),
    "variance_scaling_fan_in": lambda tf: tf.variance_scaling_initializer(2.0, seed=1),
    "variance_scaling_fan_out_uniform": lambda tf: tf.variance_scaling_initializer(
        1.0, mode="fan_out", distribution="uniform", seed=1),
    "variance_scaling_fan_avg_untruncated": lambda tf: tf.variance_scaling_initializer(
        3.0, mode="fan_avg", distribution="untruncated_normal", seed=1),
    "orthogonal": lambda tf: tf.orthogonal_initializer(gain=2.0, seed=1),
    "uniform_unit_scaling": lambda tf: tf.uniform_unit_scaling_initializer(1.5, seed=1),
}


@program
def initializer_statistics(tf):
    """Deterministic initializers by value; random ones by their statistics on a large sample."""
    out = {}
    with tf.Graph().as_default():
        made = {}
        for name, make in INITIALIZERS.items():
            shape = [3, 4] if name.startswith("constant") or name in ("zeros", "ones") else [400, 300]
            made[name] = tf.get_variable(name, shape, initializer=make(tf))
        small = tf.get_variable("orthogonal_small", [3, 5], initializer=tf.orthogonal_initializer(seed=2))
        int_var = tf.get_variable("int_zeros", [2], dtype=tf.int32, initializer=tf.zeros_initializer())
        called = tf.ones_initializer()([2, 2], dtype=tf.float64)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for name, v in made.items():
                value = sess.run(v)
                if value.size <= 12:
                    out[f"{name}/value"] = value
                else:
                    out[f"{name}/stats"] = np.array([value.mean(), value.std(), value.min(), value.max()])
            o = sess.run(small)
            out["orthogonal_small_rows_orthonormal"] = o @ o.T
            out["int_zeros"] = sess.run(int_var)
            out["called"] = sess.run(called)
        out["dtypes"] = [v.dtype.base_dtype.name for v in (made["zeros"], int_var)]
    return out


# ---- metrics ------------------------------------------------------------------------------------------

@program
def metrics_streaming(tf):
    rng = np.random.RandomState(10)
    batches = [(rng.randint(0, 3, 5), rng.randint(0, 3, 5), rng.randn(5).astype(np.float32)) for _ in range(3)]
    out = {}
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.int64, [None])
        preds = tf.placeholder(tf.int64, [None])
        values = tf.placeholder(tf.float32, [None])
        acc, acc_update = tf.metrics.accuracy(labels, preds)
        mean, mean_update = tf.metrics.mean(values)
        wmean, wmean_update = tf.metrics.mean(values, weights=tf.cast(labels, tf.float32))
        mse, mse_update = tf.metrics.mean_squared_error(tf.cast(labels, tf.float32), values)
        mae, mae_update = tf.metrics.mean_absolute_error(tf.cast(labels, tf.float32), values)
        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            for i, (lb, pr, vl) in enumerate(batches):
                feed = {labels: lb, preds: pr, values: vl}
                out[f"update_{i}"] = np.array(sess.run([acc_update, mean_update, wmean_update, mse_update,
                                                        mae_update], feed), np.float64)
                out[f"value_{i}"] = np.array(sess.run([acc, mean, wmean, mse, mae]), np.float64)
        out["local"] = sorted(v.name for v in tf.local_variables())
        out["metric_variables"] = len(tf.get_collection(tf.GraphKeys.METRIC_VARIABLES))
        out["global_count"] = len(tf.global_variables())
    return out


# ---- state ops ----------------------------------------------------------------------------------------

@program
def state_ops(tf):
    out = {}
    with tf.Graph().as_default():
        v = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3), name="v")
        c = tf.Variable(0, name="c")
        ops = [
            ("assign", tf.assign(v, tf.ones([4, 3]))),
            ("assign_add", tf.assign_add(v, tf.fill([4, 3], 2.0))),
            ("assign_sub", tf.assign_sub(v, tf.ones([4, 3]) * 0.5)),
            ("scatter_update", tf.scatter_update(v, [0, 2], [[9.0, 8.0, 7.0], [1.0, 1.0, 1.0]])),
            ("scatter_add", tf.scatter_add(v, [1, 1, 3], tf.ones([3, 3]))),
            ("scatter_sub", tf.scatter_sub(v, [0], [[1.0, 2.0, 3.0]])),
            ("scatter_mul", tf.scatter_mul(v, [3], [[2.0, 3.0, 4.0]])),
            ("scatter_nd_update", tf.scatter_nd_update(v, [[0, 0], [3, 2]], [-1.0, -2.0])),
            ("scatter_nd_add", tf.scatter_nd_add(v, [[1, 1]], [10.0])),
            ("count", tf.assign_add(c, 5)),
        ]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for name, op in ops:
                out[name] = sess.run(op)
            out["final"] = sess.run(v)
            out["is_initialized"] = bool(sess.run(tf.is_variable_initialized(v)))
    return out


# ---- small v1 names --------------------------------------------------------------------------------

@program
def misc_v1_names(tf):
    out = {}
    d = tf.Dimension(6)
    out["dimension"] = [d.value, (d + 2).value, (d * 3).value, (d // 4).value, (d - 1).value, int(d),
                        d == 6, tf.Dimension(None).value is None, (d + tf.Dimension(None)).value is None,
                        d.is_compatible_with(tf.Dimension(None)), tf.dimension_value(d),
                        tf.Dimension(3).merge_with(3).value]
    out["dtype_enums"] = [tf.as_dtype(i).name for i in (1, 2, 3, 4, 5, 6, 9, 10, 19)]
    out["dtype_names"] = [tf.float32.name, tf.float64.name, tf.int32.name, tf.int64.name, tf.bool.name,
                          tf.uint8.name, tf.float16.name, tf.as_dtype("float").name, tf.double.name,
                          tf.as_dtype(tf.int16.as_datatype_enum).name, tf.float32.as_datatype_enum]
    with tf.Graph().as_default():
        p = tf.placeholder("float")
        loss = tf.reduce_sum(p * p) + tf.reduce_mean(p)
        g, = tf.gradients(loss, p)
        q = tf.placeholder(tf.float32, [None, None])
        gq, = tf.gradients(tf.reduce_sum(q, axis=1), q)
        x = tf.placeholder_with_default(tf.constant([1.0, 2.0]), [None], name="x")
        y = x * 3.0
        ints = tf.constant([1.7, -2.2])
        casts = [tf.to_float(tf.constant([1, 2])), tf.to_int32(ints), tf.to_int64(ints), tf.to_double(ints)]
        printed = tf.Print(ints, [ints], message="ints: ")
        sq = tf.squeeze(tf.zeros([1, 3, 1]), squeeze_dims=[0])
        am = tf.arg_max(tf.constant([[1.0, 3.0, 2.0]]), 1)
        red = tf.reduce_sum(tf.ones([2, 3]), reduction_indices=1, keep_dims=True)
        with tf.Session() as sess:
            out["grad_unknown_rank"] = sess.run(g, {p: np.array([[1.0, -2.0], [3.0, 0.5]], np.float32)})
            out["grad_unknown_rank_1d"] = sess.run(g, {p: np.array([1.0, 2.0, 3.0], np.float32)})
            out["grad_unknown_dims"] = sess.run(gq, {q: np.ones((2, 3), np.float32)})
            out["pwd_default"] = sess.run(y)
            out["pwd_fed"] = sess.run(y, {x: [5.0, 6.0, 7.0]})
            for i, cst in enumerate(casts):
                value = sess.run(cst)
                out[f"cast_{i}"] = value
                out[f"cast_{i}_dtype"] = str(value.dtype)
            out["print"] = sess.run(printed)
            out["squeeze_dims"] = sess.run(sq)
            out["arg_max"] = sess.run(am)
            out["reduction_indices"] = sess.run(red)
        out["pwd_shape"] = x.shape.as_list()
    return out


@program
def interactive_session_and_eval(tf):
    out = {}
    with tf.Graph().as_default():
        a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        v = tf.Variable(tf.ones([2]), name="v")
        sess = tf.InteractiveSession()
        tf.global_variables_initializer().run()
        out["eval"] = tf.matmul(a, a).eval()
        out["var_eval"] = v.eval()
        tf.assign_add(v, [1.0, 2.0]).op.run()
        out["after_run"] = v.eval()
        sess.close()
    return out


@program
def more_v1_names(tf):
    """v1 signatures and aliases: keep_dims/reduction_indices, dim=, dimension=, div, the
    tf.initializers.* names, collection references, the remaining scatter modes."""
    out = {}
    data = np.array([[1.0, -2.0, 0.0], [4.0, 0.0, -6.0]], np.float32)
    with tf.Graph().as_default():
        x = tf.constant(data)
        ints = tf.constant([[7, -7], [9, 4]])
        ref = tf.get_collection_ref("my_things")
        tf.add_to_collection("my_things", x)
        tf.add_to_collections(["my_things", "other_things"], ints)
        out["collection_ref_len"] = len(ref)
        out["other_things"] = len(tf.get_collection("other_things"))
        v = tf.Variable([[2.0, 8.0], [3.0, 5.0], [1.0, 1.0]], name="v")
        fetches = {
            "reduce_max_keep_dims": tf.reduce_max(x, reduction_indices=[1], keep_dims=True),
            "reduce_min": tf.reduce_min(x, axis=0),
            "reduce_prod": tf.reduce_prod(x + 1.0, 1),
            "reduce_any": tf.reduce_any(tf.greater(x, 3.0), reduction_indices=0),
            "reduce_all": tf.reduce_all(tf.less(x, 5.0), keep_dims=True),
            "reduce_logsumexp": tf.reduce_logsumexp(x, 1),
            "count_nonzero": tf.count_nonzero(x, 1),
            "count_nonzero_all": tf.count_nonzero(x),
            "expand_dims_dim": tf.expand_dims(x, dim=1),
            "argmax_dimension": tf.argmax(x, dimension=1),
            "argmin": tf.argmin(x, 0),
            "arg_min": tf.arg_min(x, 1),
            "div_int": tf.div(ints, 2),
            "div_float": tf.div(x, 4.0),
            "squeeze_axis": tf.squeeze(tf.zeros([2, 1]), axis=[1]),
            "initializers_zeros": tf.initializers.zeros()([2]),
            "initializers_ones": tf.initializers.ones()([2], dtype=tf.float64),
            "initializers_constant": tf.initializers.constant([1.0, 2.0])([2]),
            "initializers_identity": tf.initializers.identity(2.0)([2, 3]),
            "scatter_div": tf.scatter_div(v, [0], [[2.0, 4.0]]),
            "scatter_min": tf.scatter_min(v, [1, 2], [[1.0, 9.0], [0.5, 2.0]]),
            "scatter_max": tf.scatter_max(v, [1], [[4.0, 4.0]]),
            "scatter_nd_sub": tf.scatter_nd_sub(v, [[2, 1]], [0.25]),
        }
        names = list(fetches)
        init = tf.initializers.global_variables()
        with tf.Session() as sess:
            sess.run(init)
            for name in names:
                out[name] = sess.run(fetches[name])
            out["initializers_variables"] = sess.run(tf.initializers.variables([v])) is None
        made = {"glorot_uniform": tf.initializers.glorot_uniform(), "glorot_normal": tf.initializers.glorot_normal(),
                "random_normal": tf.initializers.random_normal(), "random_uniform": tf.initializers.random_uniform(),
                "truncated_normal": tf.initializers.truncated_normal(),
                "variance_scaling": tf.initializers.variance_scaling(), "orthogonal": tf.initializers.orthogonal(),
                "uniform_unit_scaling": tf.initializers.uniform_unit_scaling(),
                "he_normal": tf.initializers.he_normal(), "he_uniform": tf.initializers.he_uniform(),
                "lecun_normal": tf.initializers.lecun_normal(), "lecun_uniform": tf.initializers.lecun_uniform()}
        out["initializer_shapes"] = sorted((name, init([4, 3]).shape.as_list()) for name, init in made.items())
    return out


@program
def variable_scope_defaults(tf):
    """Scope-level initializer and dtype defaults, scopes re-entered by object, and a regularizer."""
    out = {}
    with tf.Graph().as_default():
        with tf.variable_scope("a", initializer=tf.constant_initializer(3.0)) as scope:
            v = tf.get_variable("v", [2])
            with tf.variable_scope("b", dtype=tf.float64):
                w = tf.get_variable("w", [1], initializer=tf.ones_initializer())
            scale = tf.get_variable("s", [2], initializer=tf.constant_initializer(2.0),
                                    regularizer=lambda t: 0.5 * tf.reduce_sum(t * t))
        out["scope_is_VariableScope"] = isinstance(scope, tf.VariableScope)
        out["scope_name"] = scope.name
        with tf.variable_scope(scope):
            out["reentered_scope"] = tf.get_variable_scope().name
            u = tf.get_variable("u", [1])
        with tf.variable_scope("c", reuse=tf.AUTO_REUSE):
            same = [tf.get_variable("k", [2], initializer=tf.zeros_initializer()) for _ in range(3)]
        reg = tf.losses.get_regularization_loss()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["v"], out["w"], out["u"], out["reg"] = sess.run([v, w, u, reg])
        out["w_dtype"] = w.dtype.base_dtype.name
        out["auto_reuse_one_variable"] = same[0] is same[1] is same[2]
        out["names"] = [t.name for t in (v, w, u, scale, same[0])]
    return out


@program
def layer_classes_share_variables(tf):
    """tf.layers classes: one object called twice shares its variables; names as the functions'."""
    rng = np.random.RandomState(11)
    img = rng.randn(2, 4, 4, 2).astype(np.float32)
    wk, wd = _arrays(12, (3, 3, 2, 3), (12, 2))
    out = {}
    with tf.Graph().as_default():
        x = tf.constant(img)
        conv = tf.layers.Conv2D(3, 3, padding="same", kernel_initializer=tf.constant_initializer(wk))
        bn = tf.layers.BatchNormalization(momentum=0.5)
        pool = tf.layers.MaxPooling2D(2, 2)
        avg = tf.layers.AveragePooling2D(2, 2)
        flat = tf.layers.Flatten()
        drop = tf.layers.Dropout(0.5)
        dense = tf.layers.Dense(2, activation=tf.nn.tanh, kernel_initializer=tf.constant_initializer(wd),
                                name="head")
        with tf.variable_scope("net"):
            first = dense(flat(pool(bn(conv(x), training=True))))
            second = dense(drop(flat(avg(conv(x * 2.0))), training=False))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["first"], out["second"] = sess.run([first, second])
            sess.run(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
            out.update(_run_named(sess, tf))
        out["conv_variables"] = sorted(v.name for v in conv.variables)
        out["bn_trainable"] = sorted(v.name for v in bn.trainable_weights)
        out["dense_weights"] = sorted(v.name for v in dense.weights)
        out["trainable_count"] = len(tf.trainable_variables())
    return out


@program
def global_step_helpers_and_v1_aliases(tf):
    rng = np.random.RandomState(13)
    img = rng.randn(1, 5, 5, 2).astype(np.float32)
    filt = rng.randn(3, 3, 2, 4).astype(np.float32)
    dy = rng.randn(1, 3, 3, 4).astype(np.float32)
    out = {}
    with tf.Graph().as_default():
        step = tf.train.create_global_step()
        tf.train.assert_global_step(step)
        errors = []
        try:
            tf.train.create_global_step()
        except ValueError:
            errors.append("create_twice:ValueError")
        try:
            tf.train.assert_global_step(tf.constant(1.0))
        except TypeError:
            errors.append("float_step:TypeError")
        out["errors"] = errors
        out["same_step"] = tf.train.get_global_step() is step
        fetches = {
            "backprop_input": tf.nn.conv2d_backprop_input([1, 5, 5, 2], filt, dy, [1, 2, 2, 1], "SAME"),
            "backprop_filter": tf.nn.conv2d_backprop_filter(img, [3, 3, 2, 4], dy, [1, 2, 2, 1], "SAME"),
            "max_pool_v2": tf.nn.max_pool_v2(img, [1, 2, 2, 1], [1, 1, 1, 1], "VALID"),
            "avg_pool_v2": tf.nn.avg_pool_v2(img, 2, 2, "SAME"),
            "floormod": tf.floormod(tf.constant([7, -7]), 3),
            "floor_div": tf.floor_div(tf.constant([7, -7]), 3),
            "check_numerics": tf.check_numerics(tf.constant([1.0, 2.0]), "finite"),
        }
        with tf.control_dependencies([tf.assert_equal(tf.constant(2), 2)]):
            fetches["after_assert"] = tf.identity(tf.constant(5))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step.assign_add(3))
            out["global_step"] = tf.train.global_step(sess, step)
            for name, t in fetches.items():
                out[name] = sess.run(t)
    return out


@program
def remaining_v1_names(tf):
    """The last v1 names: initializer aliases, default session, random op shapes, elementwise aliases,
    compute_weighted_loss, root_mean_squared_error, a bare Layer, dimension_at_index."""
    out = {}
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        x = tf.constant([[0.5, -1.5], [2.0, 0.0]])
        v = tf.Variable(1.0, name="v")
        local = tf.get_variable("local", [2], initializer=tf.zeros_initializer(),
                                collections=[tf.GraphKeys.LOCAL_VARIABLES])
        losses = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        rmse, rmse_update = tf.metrics.root_mean_squared_error(tf.constant([1.0, 2.0]), tf.constant([2.0, 4.0]))
        fetches = {
            "expm1": tf.expm1(x), "is_finite": tf.is_finite(x / 0.0), "is_nan": tf.is_nan(x / 0.0),
            "logical_xor": tf.logical_xor(tf.greater(x, 0.0), tf.less(x, 1.0)), "realdiv": tf.realdiv(x, 4.0),
            "saturate_cast": tf.saturate_cast(tf.constant([300.0, -5.0, 7.6]), tf.uint8),
            "weighted_loss": tf.losses.compute_weighted_loss(losses, weights=[[1.0], [0.0]]),
            "weighted_loss_sum": tf.losses.compute_weighted_loss(losses, reduction=tf.losses.Reduction.SUM),
            "bare_layer": tf.layers.Layer()(x),
        }
        random_shapes = {"random_normal": tf.random_normal([3, 2]), "random_uniform": tf.random_uniform([4]),
                         "truncated_normal": tf.truncated_normal([2, 2]), "random_shuffle": tf.random_shuffle(x)}
        out["is_tensor"] = [tf.is_tensor(x), tf.is_tensor(v), tf.is_tensor(1.0)]
        out["model_variables"] = len(tf.model_variables())
        out["dimension_at_index"] = tf.dimension_at_index(x.shape, 1).value
        with tf.Session() as sess:
            out["default_session"] = tf.get_default_session() is sess
            sess.run([tf.initialize_all_variables(), tf.initialize_local_variables(),
                      tf.initializers.local_variables(), tf.variables_initializer([v, local])])
            for name, t in fetches.items():
                out[name] = sess.run(t)
            for name, t in random_shapes.items():
                value = sess.run(t)
                out[f"{name}_shape"] = [list(value.shape), str(value.dtype)]
            out["rmse_update"], out["rmse"] = sess.run(rmse_update), sess.run(rmse)
    return out
