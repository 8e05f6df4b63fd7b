"""What the workers do: the body of each job kind (render, speech, content, social,
publish hook) and the store inputs and outputs they work on."""
