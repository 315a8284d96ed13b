"""Numbers in the prose of notebooks/07-the-whole-cell.ipynb and where each comes from."""
from _prose import calc, code

WC = {"WC": "lstm_course.explorers.whole_cell"}      # the explorers' presets and the two-unit sequence cell

# the hand example (the explorer's 'hand example' preset, the notebook's own weights): one lstm_step
HAND = ("(lambda p: L.lstm_step(WC.one_unit_params(p), np.array([p['x']]), np.array([p['h_prev']]), "
        "np.array([p['c_prev']])))(WC.PRESETS['hand example'])")
# the 'source example' preset: z_f = w_x x + w_h h_{t-1} + b with the source's first unit
Z_SOURCE = "(lambda p: p['f'][0] * p['x'] + p['f'][1] * p['h_prev'] + p['f'][2])(WC.PRESETS['source example'])"
# source 000's forget gate (notebook 03): W_f @ [1, ..., 6] + b_f = [92, 177, 136]
W_F = "np.array([[1, 2, 3, 4, 5, 6], [5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8]])"
Z_F = f"({W_F} @ np.arange(1, 7) + np.array([1, 2, 3]))"
# the two-unit cell over SEQ_INPUT: c_t of both units, steps 1..12
SEQ_C = "L.lstm_forward(WC.sequence_params(), WC.SEQ_INPUT.reshape(1, -1, 1)).c[0]"
SEQ = "WC.sequence_params()"

NUMBERS = {
    # one step by hand
    "0.881": calc(f"{HAND}.f[0]", names=WC),          # sigma(2); also unit 2's input gate sigma(2)
    "0.5": calc(f"{HAND}.i[0]", names=WC),            # sigma(0); also h_{t-1} = 0.5 and the +0.5 pulse
    "0.762": calc(f"{HAND}.g[0]", names=WC),          # tanh(1)
    "0.381": calc(f"{HAND}.i[0] * {HAND}.g[0]", names=WC),
    "1.262": calc(f"{HAND}.c[0]", names=WC),
    "0.852": calc(f"np.tanh({HAND}.c[0])", names=WC),
    "0.426": calc(f"{HAND}.h[0]", names=WC),
    "-2": code(),                                     # w_h of the input gate
    "1": code(),                                      # x_t = 1, c_{t-1} = 1, weights; also range ends
    "0": calc("L.tanh(0.0)"),                         # tanh(0) = 0; also z = 0 rows, range ends
    # the source example cut down to one unit: 1*1 + 4*4 + 1 = 18, where notebook 03 had 92
    "18": calc(Z_SOURCE, names=WC),
    "1.000": calc(f"L.sigmoid({Z_SOURCE})", names=WC),
    "92": calc(f"{Z_F}[0]"),
    "177": calc(f"{Z_F}[1]"),
    "136": calc(f"{Z_F}[2]"),
    # the four products the one-unit cell has no inputs for: 2*2 + 3*3 + 5*5 + 6*6
    "74": calc(f"{Z_F}[0] - {Z_SOURCE}", names=WC),
    "3": calc(f"{SEQ}.gate('f').b[0]", names=WC),    # unit 1's forget bias +3; also 3*3
    "0.953": calc(f"L.sigmoid({SEQ}.gate('f').b[0])", names=WC),
    "-1": calc(f"{SEQ}.gate('f').b[1]", names=WC),   # unit 2's forget bias; also range ends, the -1 pulse
    "0.269": calc(f"L.sigmoid({SEQ}.gate('f').b[1])", names=WC),
    "4": calc(f"{SEQ}.gate('i').W_x[0, 0]", names=WC),   # sigma(4 x_t - 2); also h_{t-1} = 4
    "2": calc(f"{SEQ}.gate('i').b[1]", names=WC),        # unit 2's input gate sigma(2); also weights, steps
    "6": calc("int(np.flatnonzero(WC.SEQ_INPUT == -1.0)[0]) + 1", names=WC),   # the -1 pulse at step 6
    "9": calc("int(np.flatnonzero(WC.SEQ_INPUT == 0.5)[0]) + 1", names=WC),    # the +0.5 pulse at step 9
    "5": code(),                                      # steps 2 to 5; also [4, 5, 6]
    # after the quiet steps 2 to 5: unit 1 keeps 0.953^4, unit 2 0.269^4 of its memory at step 1
    "82%": calc(f"100 * {SEQ_C}[4, 0] / {SEQ_C}[0, 0]", names=WC),
    "0.5%": calc(f"100 * {SEQ_C}[4, 1] / {SEQ_C}[0, 1]", names=WC),
}
