"Checks of chapter 07 (theory): the lock LSTMs against the definition, the counting against brute force, bad input."
import pytest
import torch
import torch.nn.functional as F

from rnn_weight_repr.theory import (all_secrets, best_fixed_probes, brute_force_max_identified, brute_force_probes_needed,
                                    fixed_probes_needed, lock_lstm_agrees, lock_outputs, lock_spec, lock_weights,
                                    max_identified, observation_classes, read_secret, train_lock_prober)


@pytest.mark.parametrize('n,k', [(1, 2), (2, 2), (3, 2), (4, 2), (5, 2), (1, 3), (2, 3), (3, 3), (2, 4)])
def test_lock_lstm_implements_definition_on_all_inputs(n, k):
    agrees, margin = lock_lstm_agrees(n, k)
    assert agrees
    assert margin == pytest.approx(2.0, abs=1e-3)


def test_lock_lstm_agrees_detects_a_wrong_lock():
    # the checker can fail: gates that do not saturate (gain 3) or an inverted read-out answer otherwise than f_s
    assert lock_lstm_agrees(3, 2, gain=3.0)[0] is False
    assert lock_lstm_agrees(3, 2, logit_scale=-4.0)[0] is False


def test_a_lock_for_other_secrets_answers_otherwise():
    # the weights depend on the secret: the lock LSTMs of the secrets in reverse order do not answer like f_s
    secrets, inputs = all_secrets(3, 2), all_secrets(5, 2)
    logits, _ = lock_spec(3, 2).forward(lock_weights(secrets.flip(0), 2), F.one_hot(inputs, 2).float())
    expected = lock_outputs(secrets[:1].expand(len(inputs), 3), inputs, 2)
    assert not torch.equal(logits[0].argmax(-1), expected)


def test_soft_inputs_above_threshold_act_like_their_symbol():
    n, k = 3, 3
    secrets, inputs = all_secrets(n, k), all_secrets(n + 2, k)
    g = torch.Generator().manual_seed(0)
    noise = torch.rand(*inputs.shape, k, generator=g)
    soft = 0.85 * F.one_hot(inputs, k) + 0.15 * noise / noise.sum(-1, keepdim=True)  # max mass >= 0.85
    spec, theta = lock_spec(n, k), lock_weights(secrets, k)
    hard_answers = spec.forward(theta, F.one_hot(inputs, k).float())[0].argmax(-1)
    test_answers = spec.forward(theta, soft.float())[0].argmax(-1)
    assert torch.equal(hard_answers, test_answers)


@pytest.mark.parametrize('n,k', [(1, 2), (2, 2), (3, 2), (2, 3), (1, 4)])
def test_counting_formula_matches_brute_force(n, k):
    for m in range(1, k ** (n - 1) + 1):
        assert brute_force_max_identified(n, k, m) == max_identified(n, k, m)
        assert observation_classes(best_fixed_probes(n, k, m), n, k) == max_identified(n, k, m)
    assert brute_force_probes_needed(n, k) == fixed_probes_needed(n, k) == k ** (n - 1)


def test_counting_formula_matches_brute_force_n4():
    for m in (1, 2, 3):
        assert brute_force_max_identified(4, 2, m) == max_identified(4, 2, m)
    assert observation_classes(best_fixed_probes(4, 2, 8), 4, 2) == 16
    assert observation_classes(best_fixed_probes(4, 2, 7), 4, 2) == 15


def test_interactive_encoder_reads_every_secret():
    for n, k in [(1, 2), (5, 2), (3, 4)]:
        secrets = all_secrets(n, k)
        read, opened = read_secret(lock_weights(secrets, k), n, k)
        assert torch.equal(read, secrets) and opened.all()


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match='symbols in 0..1'):
        lock_weights(torch.tensor([[0, 2]]), 2)
    with pytest.raises(ValueError, match=r'integer tensor \[N, n\]'):
        lock_weights(torch.tensor([0.0, 1.0]), 2)
    with pytest.raises(ValueError, match='alphabet size'):
        lock_weights(torch.tensor([[0, 1]]), 1)
    with pytest.raises(ValueError, match='threshold'):
        lock_weights(torch.tensor([[0, 1]]), 2, threshold=1.0)
    with pytest.raises(ValueError, match='probes'):
        lock_outputs(torch.tensor([[0, 1]]), torch.zeros(3, 4), 2)
    with pytest.raises(ValueError, match='m: expected 1..4'):
        best_fixed_probes(3, 2, 0)
    with pytest.raises(ValueError, match='m >= 0'):
        max_identified(3, 2, -1)
    with pytest.raises(ValueError, match='k >= 2'):
        lock_spec(3, 1)


def test_train_lock_prober_refuses_a_prober_for_other_locks():
    from rnn_weight_repr.probing import NonInteractiveProber
    prober = NonInteractiveProber(lock_spec(3, 2), probe_length=3, core_hidden_size=8, core_num_layers=1, head_hidden_size=8)
    with pytest.raises(ValueError, match='prober.spec'):
        train_lock_prober(prober, 4, 2, steps=1)
    result = train_lock_prober(prober, 3, 2, steps=3, batch_size=4)
    assert len(result['losses']) == 3 and 0 <= result['accuracy'] <= max_identified(3, 2, 1) / 8
