"""Users: language, municipality and roles of the people who use the bot."""
