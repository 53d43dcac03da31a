// An interface icon as a bundled SVG (extension/public/pictures, Twemoji): drawn the same on
// every system, where an emoji character would be an empty box without an emoji font. The
// icon is decoration: the words beside it say what it means, so it has no alt text.

export type IconName = 'lock' | 'unlock' | 'paperclip' | 'warning';

export function Icon(props: { name: IconName }) {
  return <img class="icon" src={`/pictures/${props.name}.svg`} alt="" width={16} height={16} />;
}
