"""The authors' released zoos: the loader undoes their generator's EOS-over-BOS quirk, and refuses damaged weights
(the released format has no checksums)."""
import numpy as np
import pytest

from rnn_weight_repr.languages import BOS, EOS
from rnn_weight_repr.generate import generate_zoo
from rnn_weight_repr.zoo import Zoo, ZooError, export_released, zoo_config


@pytest.fixture(scope='module')
def zoo(tmp_path_factory):
    return generate_zoo(zoo_config('tiny'), tmp_path_factory.mktemp('zoo') / 'zoo', device='cpu', progress=False)


def test_bos_is_restored_so_every_stored_string_replays(zoo, tmp_path):
    released = export_released(zoo, tmp_path / 'released')
    tokens = np.load(released / 'sequences.npy')
    quirk = np.arange(tokens[..., 0].size).reshape(tokens.shape[:2]) % 3 == 0
    tokens[..., 0][quirk] = EOS                                # the authors' generator: EOS over the first token
    np.save(released / 'sequences.npy', tokens)
    loaded = Zoo.load(released)
    assert (np.asarray(loaded.sequences)[..., 0] == BOS).all()
    np.testing.assert_array_equal(np.asarray(loaded.sequences), np.asarray(zoo.sequences))
    assert loaded.verify().ok
    assert (np.load(released / 'sequences.npy')[..., 0] == EOS).any(), "the loader must not change the released files"
    loaded.arrays['sequences'] = tokens                        # negative control: the quirk left in does not replay
    assert not loaded.verify().ok


@pytest.mark.parametrize('damage', ['exponent bit', 'nan', 'inf'])
def test_damaged_weights_of_a_released_zoo_are_refused(damage, zoo, tmp_path):
    released = export_released(zoo, tmp_path / 'released')
    weights = np.load(released / 'parameters.npy')
    column = int(np.argmax(np.abs(weights[5])))
    if damage == 'exponent bit': weights.view(np.uint32)[5, column] ^= 1 << 30
    else: weights[5, column] = np.nan if damage == 'nan' else np.inf
    np.save(released / 'parameters.npy', weights)
    with pytest.raises(ZooError, match=r'parameters.npy: row 5 holds the weight .*probably corrupt'):
        Zoo.load(released)
