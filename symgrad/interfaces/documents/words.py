"""Words for the documents' prose: activation and chain names as a reader says them.

The documents write prose in words and mathematics as SymPy objects; a registry
name such as ``leaky_relu`` is an identifier, not a word, so the prose uses
:func:`activation_words` and :func:`chain_words` instead.

>>> activation_words("leaky_relu")
'leaky ReLU'
>>> from symgrad.core.chain import Chain
>>> chain_words(Chain(3, activation="gelu", form="general", bias=True))
'general chain of depth 3 with the GELU activation and biases'
"""

from __future__ import annotations

from symgrad.core.chain import Chain

__all__ = ["ACTIVATION_WORDS", "activation_words", "chain_words"]

#: registry name -> the activation's name in prose
ACTIVATION_WORDS = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "softplus": "softplus",
    "identity": "identity",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "gelu": "GELU",
    "silu": "SiLU",
    "erf": "error function",
}


def activation_words(name: str) -> str:
    """The activation's name in prose (an unknown name with its underscores as spaces).

    >>> activation_words("silu")
    'SiLU'
    """
    return ACTIVATION_WORDS.get(name, name.replace("_", " "))


def chain_words(chain: Chain) -> str:
    """The chain described in words (its form, depth, activation, biases).

    >>> chain_words(Chain(2))
    'seed chain of depth 2 with the sigmoid activation'
    """
    extra = " and biases" if chain.bias else ""
    return (f"{chain.form} chain of depth {chain.depth} with the "
            f"{activation_words(chain.activation)} activation{extra}")
