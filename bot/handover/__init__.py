"""Ask a person: questions the bot could not answer, handed to an advisor of the municipality."""
