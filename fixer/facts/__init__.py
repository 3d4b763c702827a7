"""Facts several rules and the stack check share (ports, health, images, databases, Python
dependencies), and the edits that change them."""
