// The API's validation messages (pydantic's wording) as a person would say them.

const RULES = [
  [/^Field required$/, () => "This is required."],
  [/^List should have at least (\d+) items? after validation/,
    (m, noun) => `Choose at least ${count(m[1], noun)}.`],
  [/^List should have at most (\d+) items? after validation/,
    (m, noun) => `Choose at most ${count(m[1], noun)}.`],
  [/^String should have at least (\d+) characters?/, (m) => `Use at least ${count(m[1], "character")}.`],
  [/^String should have at most (\d+) characters?/, (m) => `Use at most ${count(m[1], "character")}.`],
  [/^Input should be greater than or equal to (\S+)$/, (m) => `Enter ${m[1]} or more.`],
  [/^Input should be less than or equal to (\S+)$/, (m) => `Enter ${m[1]} or less.`],
  [/^Input should be greater than (\S+)$/, (m) => `Enter more than ${m[1]}.`],
  [/^Input should be less than (\S+)$/, (m) => `Enter less than ${m[1]}.`],
  [/^Input should be a valid integer/, () => "Enter a whole number."],
  [/^Input should be a finite number/, () => "Enter a number."],
  [/^Input should be a valid number/, () => "Enter a number."],
  [/^Input should be a valid boolean/, () => "Choose yes or no."],
  [/^Input should be a valid UUID/, () => "This is not one of yours: pick it again."],
  [/^Input should be a valid URL/, () => "Enter a full web address, such as https://example.com/hook."],
  [/^Input should be a valid (date|datetime)/, () => "Enter a date and time."],
  [/^Input should be (('[^']*'(, | or )?)+)$/, (m) => `Choose one of: ${m[1].replaceAll("'", "")}.`],
  [/^String should match pattern/, () => "This is not in the expected format."],
  [/^value is not a valid email address/, () => "Enter a valid email address."],
  [/^Extra inputs are not permitted$/, () => "This setting is not supported here."],
  [/^Value error, (.*)$/s, (m) => sentence(m[1])],
];

const WORDS = { 1: "one", 2: "two", 3: "three" };

function count(n, noun) {
  const number = WORDS[n] ?? n;
  if (!noun) return number;
  return `${number} ${noun}${n === "1" ? "" : "s"}`;
}

function sentence(text) {
  const trimmed = text.trim();
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** `message` in plain words; `noun` names what a list holds ("photo"). Others pass through. */
export function humanize(message, noun = null) {
  for (const [pattern, say] of RULES) {
    const match = pattern.exec(message);
    if (match) return say(match, noun);
  }
  return message;
}
