"""Phrase banks of the template writer: hooks, calls to action, beat angles and tone lines.

Slots: {topic}, {audience}, {n} (number of beats), {secs} (target seconds). Lines are
complete sentences; the writer capitalises the first letter and never edits them otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.content.models import Platform, Tone


@dataclass(frozen=True)
class Angle:
    """One kind of beat: on-screen lines, a lead-in, body sentences and a footage hint."""

    name: str
    scenes: tuple[str, ...]
    leads: tuple[str, ...]  # short lines that can only open the beat
    lines: tuple[str, ...]
    footage: str


HOOKS: dict[Tone, tuple[str, ...]] = {
    "informative": (
        "Here are {n} things about {topic} most people never learn.",
        "Did you know most {audience} get {topic} completely wrong?",
        "{topic}, explained in {secs} seconds.",
        "What actually matters about {topic}? Let's break it down.",
        "If you care about {topic}, you need to know this.",
        "Everything you need to know about {topic}, fast.",
        "Stop scrolling: this is what is really going on with {topic}.",
        "Quick question: do you really understand {topic}?",
        "{n} facts about {topic} that change how you see it.",
        "Your crash course in {topic} starts now.",
        "Most people get this wrong.",
    ),
    "funny": (
        "Nobody warned me that {topic} would be this chaotic.",
        "POV: you just discovered {topic} and it's now your personality.",
        "Me pretending I understand {topic}: a short documentary.",
        "Genius or total nonsense? Let's settle {topic} once and for all.",
        "I tried to explain {topic} to my cat. She had notes.",
        "Be honest: how often have you googled {topic} this week?",
        "Warning: after this you will never stop talking about {topic}.",
        "{n} things about {topic} that are funnier than they should be.",
        "Things I learned about {topic} that I can never unlearn.",
        "Your group chat is not ready for these {topic} facts.",
        "I cannot believe this is real.",
    ),
    "dramatic": (
        "Nobody talks about the dark side of {topic}.",
        "This is the moment everything changed for {topic}.",
        "What they never told you about {topic} will stop you cold.",
        "One detail about {topic} changes everything. Watch closely.",
        "It started with {topic}. Nobody saw what came next.",
        "Everyone thinks they know {topic}. They are wrong.",
        "The truth about {topic} was hiding in plain sight.",
        "{n} secrets about {topic} that nobody wants you to hear.",
        "You have never seen {topic} like this before.",
        "In {secs} seconds, {topic} will never look the same to you.",
        "Nobody saw this coming.",
    ),
    "inspirational": (
        "If you have ever doubted yourself with {topic}, watch this.",
        "You are closer to mastering {topic} than you think.",
        "Every expert in {topic} started exactly where you are now.",
        "This is your sign to finally take {topic} seriously.",
        "{n} reminders about {topic} for the days you want to quit.",
        "What if {topic} could change the way you see your future?",
        "Small steps in {topic} add up to something huge. Here's how.",
        "Your journey with {topic} starts with one simple choice.",
        "You don't need permission to get better at {topic}.",
        "Give me {secs} seconds and you'll believe in {topic} again.",
        "This one is for you.",
    ),
}

CTAS: dict[Platform, tuple[str, ...]] = {
    "tiktok": (
        "Follow for part two on {topic}.",
        "Drop your questions below and I'll answer them next.",
        "Save this and send it to a friend who needs it.",
        "Follow so you don't miss the next one.",
        "Comment which point you'll try first.",
        "Follow for more.",
    ),
    "reels": (
        "Save this reel so you have it when you need it.",
        "Share this with someone who loves {topic}.",
        "Follow for more on {topic} every week.",
        "Tap save and send it to a friend.",
        "Double tap if you learned something new.",
        "Save this for later.",
    ),
    "shorts": (
        "Subscribe for more {topic} in under a minute.",
        "Like and subscribe if you learned something new.",
        "Hit subscribe and catch the next short.",
        "Subscribe so the next one finds you.",
        "Tap like if this was worth your time.",
        "Subscribe for more.",
    ),
    "youtube": (
        "Subscribe and turn on notifications for more on {topic}.",
        "Tell me in the comments what you want to see next.",
        "Like this video if it helped, and subscribe for more.",
        "Subscribe, and I'll see you in the next video.",
        "Share this with someone who is curious about {topic}.",
        "Subscribe for the next one.",
    ),
}

TONE_CTAS: dict[Tone, tuple[str, ...]] = {
    "informative": ("Which fact surprised you most? Tell me below.",),
    "funny": ("Follow me before I embarrass myself again.", "Tag the friend who needed this."),
    "dramatic": ("Follow to find out what happens next.", "Stay tuned. The story isn't over."),
    "inspirational": ("Start today, and follow for your daily push.", "Share this with someone "
                      "who needs it today."),
}

OPENERS: dict[Tone, tuple[str, ...]] = {
    "informative": ("Here's the thing.", "Now, pay attention.", "Now, the key part.",
                    "Next up.", "Let's go deeper."),
    "funny": ("Plot twist.", "Stay with me here.", "Okay, hear me out.", "Brace yourself.",
              "No, really."),
    "dramatic": ("But wait.", "Then everything shifted.", "Listen closely.",
                 "This is where it turns.", "And then, silence."),
    "inspirational": ("Here's the good news.", "Take a breath.", "Now, picture this.",
                      "This is where you grow.", "Remember this."),
}

BRIDGES: dict[Tone, tuple[str, ...]] = {
    "informative": ("Here's why.", "That matters.", "Keep that in mind.", "Simple, but powerful.",
                    "Worth remembering.", "Think about it."),
    "funny": ("Wild, right?", "I know.", "Don't ask.", "Classic.", "Truly iconic.", "Anyway."),
    "dramatic": ("Let that sink in.", "Think about it.", "Nobody saw it coming.", "Silence.",
                 "Remember that.", "It gets worse."),
    "inspirational": ("You can do this.", "Keep going.", "That's growth.", "Trust the process.",
                      "You've got this.", "Breathe."),
}

TONE_LINES: dict[Tone, tuple[str, ...]] = {
    "informative": (
        "Experts tend to agree on the fundamentals of {topic}.",
        "The details matter, but the fundamentals matter more.",
        "Once you see the pattern, everything becomes predictable.",
        "Good advice about {topic} is short, specific and testable.",
        "A clear mental model of {topic} beats memorising facts.",
        "Ask what problem this solves, and the rest falls into place.",
        "Most confusion about {topic} comes from skipping one step.",
        "Measure before and after, then compare the numbers.",
    ),
    "funny": (
        "Honestly, there are more plot twists here than in my group chat.",
        "If {topic} had a dating profile, it would say it's complicated.",
        "My brain after learning this: loading, please wait.",
        "Yes, this is how I spend my weekends. No regrets.",
        "Somewhere, a teacher is very proud of me right now.",
        "I did not expect {topic} to be this dramatic, but here we are.",
        "Ten out of ten, would overthink again.",
        "Even my houseplants understand {topic} better than I did last week.",
    ),
    "dramatic": (
        "Nobody expected {topic} to matter this much.",
        "The stakes were higher than anyone admitted.",
        "One small decision set everything in motion.",
        "Behind {topic} lies a story most people never hear.",
        "What happened next changed how people saw {topic} forever.",
        "The signs were there all along. Nobody looked.",
        "It was never just about {topic}. It was about what came after.",
        "Every choice had a price, and {topic} kept the receipts.",
    ),
    "inspirational": (
        "Every step you take with {topic} counts, even the small ones.",
        "Progress in {topic} is quiet at first, then suddenly obvious.",
        "You don't have to be great to start, but you have to start.",
        "The people you admire in {topic} failed more times than you have tried.",
        "Consistency beats intensity, in {topic} and in life.",
        "Your pace is your pace. Keep showing up.",
        "Believe in the version of you that has already figured out {topic}.",
        "One percent better each day adds up to something remarkable.",
    ),
}

# Tone-neutral sentences that extend any beat of a longer script.
GENERAL_LINES: tuple[str, ...] = (
    "It sounds obvious, but most people skip it.",
    "The difference shows up over weeks, not minutes.",
    "Keep it practical and keep it honest.",
    "Ask yourself what you would do differently tomorrow.",
    "Write it down, because memory is a terrible notebook.",
    "Pay attention to what changes, not just what stays the same.",
    "Context changes everything, so look at the bigger picture.",
    "When in doubt, go back to the basics.",
    "Test it yourself instead of taking anyone's word for it.",
    "Small, repeatable actions beat rare big efforts.",
    "You will notice the difference sooner than you think.",
    "The best part is that anyone can learn it.",
    "That is what makes {topic} worth a closer look.",
    "The more you look at {topic}, the more layers you find.",
    "Plenty of {audience} have already noticed this.",
    "Give {topic} ten focused minutes and you'll see.",
)

FIRST = Angle(
    "basics",
    ("The basics", "Start here", "First things first", "What it is"),
    ("Start with the basics of {topic}.", "It starts simple.", "First, the basics."),
    (
        "At its core, this comes down to a few simple ideas.",
        "Strip away the jargon and it gets easy to follow.",
        "You don't need a degree to understand {topic}.",
        "Think of it as a set of building blocks.",
        "The foundation is simpler than it looks.",
    ),
    "overview",
)

MIDDLE: tuple[Angle, ...] = (
    Angle(
        "why",
        ("Why it matters", "Why care?", "The stakes"),
        ("So why should you care about {topic}?", "Here's why it matters."),
        (
            "For {audience}, getting this right pays off quickly.",
            "Ignore it and you miss half the picture.",
            "Once it clicks, a lot of other things start to make sense.",
            "People who understand {topic} start seeing examples everywhere.",
            "It shapes more than you think.",
        ),
        "people",
    ),
    Angle(
        "how",
        ("How it works", "Step by step", "Under the hood"),
        ("Here's how it works.", "Let's look under the hood."),
        (
            "First, look at the inputs. Then watch what changes.",
            "It's a chain: each step prepares the one after it.",
            "Break {topic} into small parts and each one becomes easy.",
            "Follow cause and effect, and the mystery disappears.",
            "Order matters here.",
        ),
        "process",
    ),
    Angle(
        "mistake",
        ("Common mistake", "Avoid this", "Don't do this"),
        ("Here's the classic mistake.", "Don't rush it."),
        (
            "Most people rush in and skip the basics.",
            "A lot of {audience} skip this step, and it shows.",
            "Don't copy what everyone else does without asking why.",
            "Overcomplicating {topic} is the fastest way to lose interest.",
            "The trap is thinking you must know everything before you start.",
            "Speed is the enemy here.",
        ),
        "mistake",
    ),
    Angle(
        "example",
        ("Real example", "Picture this", "In practice"),
        ("Here's a real example.", "Picture this."),
        (
            "Take one real situation and watch how it plays out.",
            "In practice, it looks less like theory and more like habit.",
            "A small example says more about {topic} than a long lecture.",
            "Real examples are hiding in ordinary days.",
            "Think of an everyday moment shaped by {topic}.",
            "Look around you.",
        ),
        "real life",
    ),
    Angle(
        "tip",
        ("Pro tip", "Try this", "Quick win"),
        ("Quick tip: start small.", "Here's a tip."),
        (
            "Spend five minutes a day on {topic}, and watch it compound.",
            "Try explaining {topic} to a friend; the gaps show up fast.",
            "Keep one trusted source and ignore the noise.",
            "Write down one question and answer it today.",
            "Start with five minutes.",
        ),
        "hands",
    ),
)

LAST = Angle(
    "takeaway",
    ("The takeaway", "Remember this", "Bottom line"),
    (
        "That's {topic} in a nutshell.",
        "Bottom line: give {topic} your attention.",
        "The takeaway: curiosity beats talent here.",
        "Remember one thing: keep it simple.",
        "Keep it simple.",
    ),
    (
        "Next time someone mentions {topic}, you'll know what to look for.",
        "You now know more than most people do.",
        "Small steps, repeated, win every time.",
    ),
    "closeup",
)
