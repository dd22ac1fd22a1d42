"""`python -m storyweave.stages.clean`: print the rule table (`rules.rules_markdown`)."""

from storyweave.stages.clean.rules import rules_markdown

if __name__ == "__main__":
    print(rules_markdown())
