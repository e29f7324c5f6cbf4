"""PCA (numpy SVD), cosine similarity, duplicates: invariants on small arrays."""

import numpy as np
import pytest

from s2s.projection import cosine_matrix, distinct_rows, duplicates, fit_pca, project


def test_pca_finds_the_direction_of_largest_variance():
    rng = np.random.default_rng(0)
    t = rng.normal(size=200)
    x = np.stack([3 * t, 3 * t, 0.1 * rng.normal(size=200), np.full(200, 5.0)], axis=1)  # [200, 4]
    coords, pca = project(x)
    assert coords.shape == (200, 2)
    assert np.allclose(np.abs(pca.components[0]), [2**-0.5, 2**-0.5, 0, 0], atol=0.01)
    assert pca.explained[0] > 0.99 and pca.explained.sum() <= 1.0 + 1e-9
    assert np.allclose(pca.components @ pca.components.T, np.eye(2), atol=1e-9)  # orthonormal
    assert np.allclose(coords.mean(axis=0), 0.0, atol=1e-9)  # centred


def test_pca_sign_is_deterministic_and_transform_accepts_one_vector():
    x = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 4.1], [3.0, 5.9]])
    a, b = fit_pca(x), fit_pca(x[::-1])
    assert np.allclose(a.components, b.components)
    assert a.components[0][np.argmax(np.abs(a.components[0]))] > 0
    assert a.transform(x[1]).shape == (1, 2)
    with pytest.raises(ValueError, match="size 2"):
        a.transform(np.zeros(3))


def test_two_distinct_points_project_more_than_dims_fill_with_zero():
    coords, pca = project(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    assert coords.shape == (2, 2)
    assert np.allclose(pca.explained, [1.0, 0.0])
    assert np.allclose(coords[:, 1], 0.0)


@pytest.mark.parametrize("x, msg", [
    (np.ones((5, 3)), "at least 2 distinct"),
    (np.zeros((1, 3)), "at least 2 distinct"),
    (np.zeros(4), "2-D"),
    (np.array([[0.0, np.nan], [1.0, 2.0]]), "NaN"),
])
def test_pca_refuses_what_it_cannot_fit(x, msg):
    with pytest.raises(ValueError, match=msg):
        fit_pca(x)


def test_pca_k_bounds():
    with pytest.raises(ValueError, match="components"):
        fit_pca(np.eye(3)[:2], k=4)


def test_cosine_matrix():
    x = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 3.0], [-1.0, 0.0], [0.0, 0.0]])
    c = cosine_matrix(x)
    assert c.shape == (5, 5) and np.allclose(c, c.T)
    assert c[0, 1] == pytest.approx(1.0) and c[0, 2] == pytest.approx(0.0) and c[0, 3] == pytest.approx(-1.0)
    assert c[4].tolist() == [0.0] * 5  # a zero vector is similar to nothing
    assert np.allclose(np.diag(c)[:4], 1.0)


def test_distinct_rows_and_duplicates():
    assert distinct_rows(np.array([[1.0, 2.0], [1.0, 2.0], [3.0, 4.0]])) == 2
    assert distinct_rows(np.zeros((0, 2))) == 0
    assert duplicates(["a", "b", "a", "c", "a", "b"]) == {"a": 3, "b": 2}
    assert duplicates(["a"]) == {}
