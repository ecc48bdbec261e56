"""recueil-kg: a knowledge graph of rural digital-development experiences."""

__version__ = "0.1.0"
