"""ReturnBot: answers questions about Belgium's assisted voluntary return figures."""
