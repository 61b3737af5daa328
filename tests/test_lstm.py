"""LSTMSpec against torch.nn over many sizes, and a user's trained module round-tripped through disk."""
import itertools

import pytest
import torch
from torch import nn

from rnn_weight_repr.lstm import LSTMSpec

SIZES = list(itertools.product([1, 3], [1, 5], [1, 3], [2, 4]))  # input, hidden, layers, output


@pytest.mark.parametrize('input_size,hidden_size,num_layers,output_size', SIZES)
def test_forward_matches_nn_lstm_for_any_size(input_size, hidden_size, num_layers, output_size):
    spec = LSTMSpec(input_size, hidden_size, num_layers, output_size)
    g = torch.Generator().manual_seed(hash((input_size, hidden_size, num_layers, output_size)) % 2**31)
    theta = torch.randn(2, spec.num_params, generator=g, dtype=torch.float64)  # larger than init: saturating gates too
    x = torch.randn(2, 3, 6, input_size, generator=g, dtype=torch.float64)
    h0 = torch.randn(num_layers, 2, 3, hidden_size, generator=g, dtype=torch.float64)
    c0 = torch.randn_like(h0)
    out, (h, c) = spec.forward(theta, x, (h0, c0))
    for m in range(2):
        lstm, linear = spec.to_modules(theta[m])
        ref, (ref_h, ref_c) = lstm(x[m], (h0[:, m], c0[:, m]))
        torch.testing.assert_close(out[m], linear(ref), rtol=1e-9, atol=1e-9)
        torch.testing.assert_close(h[:, m], ref_h, rtol=1e-9, atol=1e-9)
        torch.testing.assert_close(c[:, m], ref_c, rtol=1e-9, atol=1e-9)


def test_users_trained_module_survives_a_trip_through_disk(tmp_path):
    torch.manual_seed(0)
    lstm, linear = nn.LSTM(6, 32, 2, batch_first=True, dropout=0.1), nn.Linear(32, 6)
    opt = torch.optim.Adam([*lstm.parameters(), *linear.parameters()], lr=1e-2)
    x, y = torch.randn(8, 10, 6), torch.randint(0, 6, (8, 10))
    for _ in range(5):  # a trained module, not a fresh one
        opt.zero_grad()
        nn.functional.cross_entropy(linear(lstm(x)[0]).flatten(0, 1), y.flatten()).backward()
        opt.step()
    torch.save({'lstm': lstm.state_dict(), 'linear': linear.state_dict()}, tmp_path / 'model.pt')

    state = torch.load(tmp_path / 'model.pt', weights_only=True)
    lstm2, linear2 = nn.LSTM(6, 32, 2, batch_first=True), nn.Linear(32, 6)
    lstm2.load_state_dict(state['lstm']); linear2.load_state_dict(state['linear'])
    spec = LSTMSpec.like(lstm2, linear2)
    theta = spec.from_modules(lstm2, linear2)
    lstm.eval()
    with torch.no_grad():
        torch.testing.assert_close(spec.forward(theta[None], x[None])[0][0], linear(lstm(x)[0]), rtol=1e-5, atol=1e-5)


def test_forward_keeps_dtype_and_is_differentiable_in_double():
    spec = LSTMSpec(2, 3, 2, 2)
    theta = torch.randn(2, spec.num_params, dtype=torch.float64, requires_grad=True)
    x = torch.randn(2, 1, 4, 2, dtype=torch.float64, requires_grad=True)
    assert spec.forward(theta, x)[0].dtype == torch.float64
    assert torch.autograd.gradcheck(lambda t, u: spec.forward(t, u)[0], (theta, x))


@pytest.mark.parametrize('bad,message', [
    (lambda s: s.forward(torch.zeros(1, s.num_params + 1), torch.zeros(1, 1, 1, 6)), 'expected last dimension 13766'),
    (lambda s: s.forward(torch.zeros(1, s.num_params), torch.zeros(1, 1, 1, 16)), 'expected [M=1, B, T, 6]'),
    (lambda s: s.from_modules(nn.LSTM(16, 32, 2), nn.Linear(32, 6)), 'input_size expected 6, got 16'),
    (lambda s: s.from_modules(nn.LSTM(6, 32, 3), nn.Linear(32, 6)), 'num_layers expected 2, got 3'),
    (lambda s: s.from_modules(nn.LSTM(6, 32, 2, bias=False), nn.Linear(32, 6)), 'bias=False'),
    (lambda s: s.from_modules(nn.LSTM(6, 32, 2), nn.Linear(32, 6, bias=False)), 'bias=None'),
    (lambda s: s.from_modules(nn.RNN(6, 32, 2), nn.Linear(32, 6)), 'got RNN'),
    (lambda s: s.check_theta(torch.full((2, s.num_params), float('inf')), finite=True), 'NaN or infinite'),
])
def test_bad_input_names_what_was_expected(bad, message):
    with pytest.raises(ValueError, match=message.replace('[', r'\[').replace(']', r'\]')):
        bad(LSTMSpec(6, 32, 2, 6))
