"""互动交流: message boards read, their letters stored, 找错 reports imported."""
