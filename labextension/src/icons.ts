import { LabIcon } from '@jupyterlab/ui-components';

// A database cylinder, filled with the theme's icon colour (jp-icon3) so it follows light/dark.
const DATABASE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 2C7.6 2 4 3.3 4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5c0-1.7-3.6-3-8-3zm0 2c3.9 0 6 1 6 1s-2.1 1-6 1-6-1-6-1 2.1-1 6-1zM6 7.3C7.5 7.8 9.6 8 12 8s4.5-.2 6-.7V10c0 .3-2.2 1.5-6 1.5S6 10.3 6 10V7.3zm0 5C7.5 12.8 9.6 13.5 12 13.5s4.5-.7 6-1.2V15c0 .3-2.2 1.5-6 1.5S6 15.3 6 15v-2.7zm0 5c1.5.5 3.6 1.2 6 1.2s4.5-.7 6-1.2V19c0 .3-2.2 1-6 1s-6-.7-6-1v-1.7z"/>
  </g>
</svg>`;

export const databaseIcon = new LabIcon({
  name: 'glue-magics:database',
  svgstr: DATABASE_SVG
});
