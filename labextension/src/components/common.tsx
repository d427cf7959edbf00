import * as React from 'react';

import { Tone } from '../format';
import { ISignal } from '@lumino/signaling';

import { JobsModel } from '../jobs';
import { CatalogModel } from '../model';
import { IWindow, scrollToShow, visibleWindow } from '../virtual';

/** Re-render whenever the model changes. */
export function useModel(model: {
  changed: CatalogModel['changed'] | JobsModel['changed'];
}): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    const update = (): void => setTick(tick => tick + 1);
    const changed = model.changed as ISignal<unknown, void>;
    changed.connect(update);
    return () => {
      changed.disconnect(update);
    };
  }, [model]);
}

export function Badge(props: {
  tone?: Tone;
  title?: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <span
      className={`jp-GlueCatalog-badge jp-mod-${props.tone ?? 'neutral'}`}
      title={props.title}
    >
      {props.children}
    </span>
  );
}

/**
 * A thin bar across the top of its (positioned) parent while `active`: loading shows without
 * moving anything.
 */
export function Progress(props: { active: boolean }): JSX.Element {
  return (
    <div
      className={`jp-GlueCatalog-progress${props.active ? ' jp-mod-active' : ''}`}
      role="progressbar"
      aria-hidden={!props.active}
    />
  );
}

export function Message(props: {
  tone?: 'error' | 'info';
  title?: string;
  children?: React.ReactNode;
}): JSX.Element {
  return (
    <div
      className={`jp-GlueCatalog-message jp-mod-${props.tone ?? 'info'}`}
      role={props.tone === 'error' ? 'alert' : undefined}
    >
      {props.title && (
        <div className="jp-GlueCatalog-messageTitle">{props.title}</div>
      )}
      {props.children}
    </div>
  );
}

export interface IVirtualListProps<T> {
  items: T[];
  rowHeight: number;
  renderRow: (item: T, index: number) => React.ReactNode;
  rowKey: (item: T, index: number) => string;
  /** Called with the rendered window after each render (to load more near the end). */
  onWindow?: (window: IWindow) => void;
  /** Keep this row in view (keyboard focus). */
  focusIndex?: number;
  className?: string;
  role?: string;
  ariaLabel?: string;
  activeDescendant?: string;
  onKeyDown?: (event: React.KeyboardEvent<HTMLDivElement>) => void;
  onFocus?: () => void;
  tabIndex?: number;
  /** Restores the scroll position when the list comes back (e.g. from a table's details). */
  scrollKey?: string;
}

const savedScroll = new Map<string, number>();

/**
 * A windowed list of fixed-height rows. Rows are absolutely positioned inside a spacer as tall
 * as the whole list, so the scrollbar is right and nothing shifts as rows come and go.
 */
export function VirtualList<T>(props: IVirtualListProps<T>): JSX.Element {
  const ref = React.useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = React.useState(
    props.scrollKey ? (savedScroll.get(props.scrollKey) ?? 0) : 0
  );
  const [viewport, setViewport] = React.useState(400);

  React.useLayoutEffect(() => {
    const node = ref.current;
    if (!node) {
      return;
    }
    if (node.scrollTop !== scrollTop) {
      node.scrollTop = scrollTop;
    }
    setViewport(node.clientHeight || 400);
    const observer = new ResizeObserver(() =>
      setViewport(node.clientHeight || 400)
    );
    observer.observe(node);
    return () => observer.disconnect();
    // Only on mount: later scroll positions come from the user.
  }, []);

  React.useEffect(() => {
    const node = ref.current;
    if (!node || props.focusIndex === undefined || props.focusIndex < 0) {
      return;
    }
    const target = scrollToShow(
      props.focusIndex,
      node.scrollTop,
      viewport,
      props.rowHeight
    );
    if (target !== node.scrollTop) {
      node.scrollTop = target;
    }
  }, [props.focusIndex, viewport, props.rowHeight]);

  const window = visibleWindow(
    scrollTop,
    viewport,
    props.rowHeight,
    props.items.length
  );

  React.useEffect(() => {
    props.onWindow?.(window);
  });

  const onScroll = (event: React.UIEvent<HTMLDivElement>): void => {
    const top = event.currentTarget.scrollTop;
    if (props.scrollKey) {
      savedScroll.set(props.scrollKey, top);
    }
    setScrollTop(top);
  };

  const rows: React.ReactNode[] = [];
  for (let i = window.start; i < window.end; i++) {
    const item = props.items[i];
    rows.push(
      <div
        key={props.rowKey(item, i)}
        className="jp-GlueCatalog-vrow"
        style={{ top: i * props.rowHeight, height: props.rowHeight }}
      >
        {props.renderRow(item, i)}
      </div>
    );
  }
  return (
    <div
      ref={ref}
      className={`jp-GlueCatalog-vlist ${props.className ?? ''}`}
      onScroll={onScroll}
      role={props.role}
      aria-label={props.ariaLabel}
      aria-activedescendant={props.activeDescendant}
      tabIndex={props.tabIndex}
      onKeyDown={props.onKeyDown}
      onFocus={props.onFocus}
    >
      <div className="jp-GlueCatalog-vspacer" style={{ height: window.height }}>
        {rows}
      </div>
    </div>
  );
}
