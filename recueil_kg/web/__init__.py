"""Web surfaces of recueil-kg, one blueprint each."""
